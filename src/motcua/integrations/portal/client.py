"""HTTP calls to the national portal (settings NATIONAL_PORTAL_URL, _TOKEN, _TIMEOUT).

Every failure is a ``PortalError`` whose message says what went wrong (refused, malformed, too slow,
unreachable) and never contains the token: it is shown to administrators and written to the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from motcua.integrations.outbox import DeliveryError
from motcua.integrations.portal import wire


class PortalError(DeliveryError):
    pass


class OversizedFileError(PortalError):
    """A linked file larger than MotCua accepts: a reason to refuse the dossier, not to try again."""


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

    def catalogue(self, *, since: str = "") -> list[wire.CatalogueEntry | wire.MalformedEntry]:
        """LayDanhSachTTHC: procedures changed since ``since`` (yyyyMMdd), all when empty."""
        answer = self._call("GET", wire.CATALOGUE, params={"TuNgay": since} if since else {})
        if not answer.ok:
            raise PortalError(f"{wire.CATALOGUE} refused: MaLoi {answer.code}: {answer.description}"[:500])
        try:
            return wire.parse_catalogue(answer.data)
        except wire.WireError as error:
            raise PortalError(f"malformed answer: {error}") from None

    def new_dossiers(self, *, cursor: str = "", limit: int = 20) -> wire.IncomingPage:
        """LayDanhSachHoSoMoi: one page of the dossiers submitted on the portal and waiting, after ``cursor``
        (from the start when empty). A malformed row is a ``MalformedEntry`` of the page, a malformed page
        a PortalError."""
        params: dict[str, str | int] = {"SoLuong": limit}
        if cursor:
            params["ConTro"] = cursor
        answer = self._call("GET", wire.NEW_DOSSIERS, params=params)
        if not answer.ok:
            raise PortalError(f"{wire.NEW_DOSSIERS} refused: MaLoi {answer.code}: {answer.description}"[:500])
        try:
            return wire.parse_new_dossiers(answer.data)
        except wire.WireError as error:
            raise PortalError(f"{wire.NEW_DOSSIERS}: malformed answer: {error}"[:500]) from None

    def confirm_reception(
        self,
        *,
        portal_code: str,
        request_key: str,
        at: dt.datetime,
        motcua_code: str = "",
        refusal: str = "",
    ) -> wire.Answer:
        """XacNhanTiepNhanHoSo: taken under ``motcua_code``, or refused for ``refusal``. The same request key
        sent again is answered as a repeat (``duplicate``), so a confirmation whose answer was lost is simply
        sent again."""
        message = wire.confirmation(
            portal_code=portal_code, request_key=request_key, at=at, motcua_code=motcua_code, refusal=refusal
        )
        headers = {**self._headers, wire.REQUEST_KEY_HEADER: request_key}
        answer = self._call("POST", wire.CONFIRM_RECEPTION, json=message, headers=headers)
        if not answer.ok:
            raise PortalError(
                f"{wire.CONFIRM_RECEPTION} refused: MaLoi {answer.code}: {answer.description}"[:500]
            )
        return answer

    def is_portal_url(self, url: str) -> bool:
        """An address on the portal itself (same scheme, host and port, under the base path): the only kind
        of file link followed, so the token is never sent to another host."""
        target, base = urlsplit(url), urlsplit(self.base_url)
        return (
            target.scheme == base.scheme
            and target.netloc.lower() == base.netloc.lower()
            and f"{target.path}/".startswith(f"{base.path.rstrip('/')}/")
        )

    def fetch_file(self, url: str, *, max_bytes: int) -> bytes:
        """The bytes of an incoming dossier's file linked from the portal (TaiTepHoSo); more than
        ``max_bytes`` is ``OversizedFileError`` (read no further)."""
        call = wire.FETCH_FILE
        if not self.is_portal_url(url):
            raise PortalError(f"{call}: the link is not on the portal")
        try:
            with httpx.stream("GET", url, headers=self._headers, timeout=self.timeout) as response:
                content = bytearray()
                for chunk in response.iter_bytes():
                    content += chunk
                    if len(content) > max_bytes:
                        break
        except httpx.TimeoutException:
            raise PortalError(f"{call}: no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise PortalError(f"{call}: portal unreachable ({type(error).__name__}: {error})"[:500]) from None
        if response.status_code != 200:
            raise PortalError(f"{call}: HTTP {response.status_code}: {_reason(bytes(content[:2000]))}"[:500])
        if len(content) > max_bytes:
            raise OversizedFileError(f"{call}: file larger than {max_bytes} bytes")
        return bytes(content)

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


def _reason(body: bytes) -> str:
    """A failed file fetch's MaLoi and MoTa when the body is the portal's answer, else its status only."""
    try:
        answer = wire.parse_answer(400, body)
    except wire.WireError:
        return "no answer body"
    return f"MaLoi {answer.code}: {answer.description}"
