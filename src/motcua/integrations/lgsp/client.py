"""HTTP calls to the integration axis (settings LGSP_URL, LGSP_TOKEN, LGSP_TIMEOUT).

Every failure is an ``LgspError`` whose message says what went wrong (refused, malformed, too slow,
unreachable) and never contains the token: it is shown to administrators and written to the log.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from motcua.integrations.lgsp import wire
from motcua.integrations.outbox import DeliveryError


class LgspError(DeliveryError):
    pass


class LgspClient:
    def __init__(self, *, base_url: str, token: str, timeout: float) -> None:
        if not base_url:
            raise LgspError("LGSP_URL is not set")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    @classmethod
    def from_settings(cls) -> LgspClient:
        return cls(
            base_url=settings.MOTCUA_LGSP_URL,
            token=settings.MOTCUA_LGSP_TOKEN,
            timeout=settings.MOTCUA_LGSP_TIMEOUT,
        )

    def send_edoc(self, *, organ_id: str, message_type: str, content: bytes, request_key: str) -> str:
        """sendEdoc: hand a package or a status message to the axis; returns the axis's DocId."""
        if message_type not in wire.MESSAGE_TYPES:
            raise LgspError(f"unknown message type {message_type!r}")
        headers = {
            wire.ORGAN_HEADER: organ_id,
            wire.MESSAGE_TYPE_HEADER: message_type,
            wire.REQUEST_KEY_HEADER: request_key,
            "Content-Type": wire.XML_CONTENT_TYPE,
        }
        answer = self._call("POST", wire.SEND_EDOC, headers=headers, content=content)
        doc_id = answer.data.get("DocId")
        if not isinstance(doc_id, str) or not doc_id:
            raise LgspError(f"{wire.SEND_EDOC}: malformed answer: no DocId")
        return doc_id

    def received(self, *, organ_id: str, message_type: str = "") -> list[wire.Item]:
        """getReceivedEdocList: the organ's items not yet acknowledged, oldest first."""
        headers = {wire.ORGAN_HEADER: organ_id}
        if message_type:
            headers[wire.MESSAGE_TYPE_HEADER] = message_type
        answer = self._call("GET", wire.RECEIVED_LIST, headers=headers)
        try:
            return wire.parse_items(answer.data)
        except wire.WireError as error:
            raise LgspError(f"malformed answer: {error}"[:500]) from None

    def get_edoc(self, *, organ_id: str, doc_id: str) -> bytes:
        """getEdoc: the bytes of one item of the organ's mailbox."""
        answer = self._call(
            "GET", wire.GET_EDOC, headers={wire.ORGAN_HEADER: organ_id, wire.DOC_ID_HEADER: doc_id}
        )
        try:
            return wire.decode_content(answer.data)
        except wire.WireError as error:
            raise LgspError(f"malformed answer: {error}"[:500]) from None

    def update_status(self, *, organ_id: str, doc_id: str, status: str, description: str = "") -> None:
        """updateStatus: acknowledge an item, ``done`` (taken in) or ``fail`` (refused, with the reason)."""
        body = wire.acknowledgement(doc_id=doc_id, status=status, description=description)
        self._call("POST", wire.UPDATE_STATUS, headers={wire.ORGAN_HEADER: organ_id}, json=body)

    def _call(self, method: str, call: str, *, headers: dict[str, str], **kwargs: Any) -> wire.Answer:
        try:
            response = httpx.request(
                method,
                f"{self.base_url}/{call}",
                headers={**self._auth, **headers},
                timeout=self.timeout,
                **kwargs,
            )
        except httpx.TimeoutException:
            raise LgspError(f"{call}: no answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise LgspError(f"{call}: axis unreachable ({type(error).__name__}: {error})"[:500]) from None
        try:
            answer = wire.parse_answer(response.status_code, response.content)
        except wire.WireError as error:
            raise LgspError(f"{call}: malformed answer: {error}"[:500]) from None
        if not answer.ok:
            raise LgspError(
                f"{call} refused (HTTP {response.status_code}): {answer.code}: {answer.description}"[:500]
            )
        return answer
