"""HTTP calls to the national portal (settings NATIONAL_PORTAL_URL, _TOKEN, _TIMEOUT).

Every failure is a ``PortalError`` whose message says what went wrong (refused, malformed, too slow,
unreachable) and never contains the token: it is shown to administrators and written to the log.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from motcua.integrations.outbox import DeliveryError
from motcua.integrations.portal import wire


class PortalError(DeliveryError):
    pass


class PortalClient:
    def __init__(self, *, base_url: str, token: str, timeout: float) -> None:
        if not base_url:
            raise PortalError("NATIONAL_PORTAL_URL is not set")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    @classmethod
    def from_settings(cls) -> PortalClient:
        return cls(
            base_url=settings.MOTCUA_NATIONAL_PORTAL_URL,
            token=settings.MOTCUA_NATIONAL_PORTAL_TOKEN,
            timeout=settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT,
        )

    def push(self, call: str, message: dict[str, Any]) -> wire.Answer:
        """POST a DongBoHoSoMC / CapNhatTienDoHoSoMC message; returns the answer or raises PortalError."""
        if call not in wire.PUSH_CALLS:
            raise PortalError(f"unknown push call {call!r}")
        headers = {**self._headers, wire.REQUEST_KEY_HEADER: str(message.get("MaGiaoDich", ""))}
        answer = self._call("POST", call, json=message, headers=headers)
        if not answer.ok:
            raise PortalError(f"{call} refused: MaLoi {answer.code}: {answer.description}"[:500])
        return answer

    def lookup(self, code: str) -> dict[str, Any] | None:
        """TraCuuHoSo: the portal's record of a dossier, None when it does not know it."""
        answer = self._call("GET", wire.LOOKUP, params={"MaHoSo": code})
        if answer.code == "HS_KHONG_TON_TAI":
            return None
        if not answer.ok:
            raise PortalError(f"{wire.LOOKUP} refused: MaLoi {answer.code}: {answer.description}"[:500])
        record = answer.data.get("HoSo")
        if not isinstance(record, dict):
            raise PortalError(f"{wire.LOOKUP}: malformed answer: no HoSo object")
        return record

    def catalogue(self, *, since: str = "") -> list[wire.CatalogueEntry]:
        """LayDanhSachTTHC: procedures changed since ``since`` (yyyyMMdd), all when empty."""
        answer = self._call("GET", wire.CATALOGUE, params={"TuNgay": since} if since else {})
        if not answer.ok:
            raise PortalError(f"{wire.CATALOGUE} refused: MaLoi {answer.code}: {answer.description}"[:500])
        try:
            return wire.parse_catalogue(answer.data)
        except wire.WireError as error:
            raise PortalError(f"malformed answer: {error}") from None

    def _call(self, method: str, call: str, **kwargs: Any) -> wire.Answer:
        headers = kwargs.pop("headers", self._headers)
        try:
            response = httpx.request(
                method, f"{self.base_url}/{call}", headers=headers, timeout=self.timeout, **kwargs
            )
        except httpx.TimeoutException:
            raise PortalError(f"{call}: no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise PortalError(f"{call}: portal unreachable ({type(error).__name__}: {error})"[:500]) from None
        try:
            return wire.parse_answer(response.status_code, response.content)
        except wire.WireError as error:
            raise PortalError(f"{call}: malformed answer: {error}"[:500]) from None
