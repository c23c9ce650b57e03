"""The integration axis's wire format, in one place (documented in docs/integrations/lgsp.md).

Modelled on the document-exchange calls of the Government Office's VXP platform, which provincial axes
(LGSP) relay: ``sendEdoc``, ``getReceivedEdocList``, ``getEdoc``, ``updateStatus``. The bodies that travel
are QCVN 102:2016 edXML (``motcua.documents.edxml``): a *package* (message type ``edoc``) or a *status
message* carrying a Decision 28/2018/QĐ-TTg code (message type ``status``); the axis routes a package to
each ``To`` organ's mailbox and a status message to its ``ResponseFor/OrganId``'s mailbox.

Conventions (ours, where the platform's own are not public):

- every call is ``<LGSP_URL>/<call>`` with ``Authorization: Bearer <token>`` and ``X-Organ-Id`` (the organ
  speaking: the sender for ``sendEdoc``, the mailbox's owner for the others; VXP's ``from`` header);
- ``sendEdoc``: POST, body the edXML bytes (``application/xml``), headers ``X-Message-Type`` (``edoc`` or
  ``status``, VXP's ``messagetype``) and ``X-Request-Key`` (the axis applies a key once and answers a
  repeat with the first ``DocId``);
- ``getReceivedEdocList``: GET, optional ``X-Message-Type``; the mailbox's items not yet acknowledged,
  oldest first;
- ``getEdoc``: GET, header ``X-Doc-Id``; the item's bytes, base64 in ``data``;
- ``updateStatus``: POST JSON ``{"docId": ..., "status": "done" | "fail", "description": ...}``: the
  receiving system's acknowledgement of an item (``done`` taken in, ``fail`` refused with the reason); an
  acknowledged item leaves the list. The Decision 28 codes (03 registered, 04 assigned...) are not this
  acknowledgement: they travel back to the sender as status messages through ``sendEdoc``.

Answers are JSON ``{"status": "OK" | "FAIL", "ErrorCode": "0", "ErrorDesc": "", ...}``; anything else,
or an HTTP status outside 2xx, is a failure.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

# Call names (path segments under LGSP_URL).
SEND_EDOC = "sendEdoc"
RECEIVED_LIST = "getReceivedEdocList"
GET_EDOC = "getEdoc"
UPDATE_STATUS = "updateStatus"

ORGAN_HEADER = "X-Organ-Id"
MESSAGE_TYPE_HEADER = "X-Message-Type"
DOC_ID_HEADER = "X-Doc-Id"
REQUEST_KEY_HEADER = "X-Request-Key"

EDOC = "edoc"  # an edXML package (a document)
STATUS = "status"  # an edXML status message (Decision 28 code)
MESSAGE_TYPES = (EDOC, STATUS)

DONE = "done"  # the receiving system took the item in
FAIL = "fail"  # the receiving system refused the item (the description says why)
ACKNOWLEDGEMENTS = (DONE, FAIL)

OK = "OK"
SUCCESS = "0"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"


class WireError(ValueError):
    """An answer that does not follow the format."""


@dataclass(frozen=True)
class Answer:
    ok: bool
    code: str
    description: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Item:
    """One unacknowledged item of a mailbox (getReceivedEdocList)."""

    doc_id: str
    from_organ: str
    message_type: str
    created: str


def answer(code: str = SUCCESS, description: str = "", **data: Any) -> dict[str, Any]:
    """An answer's body (the simulator writes them; kept here with the reader)."""
    return {"status": OK if code == SUCCESS else "FAIL", "ErrorCode": code, "ErrorDesc": description, **data}


def parse_answer(status_code: int, body: bytes) -> Answer:
    """Read an answer; a body that is not the expected JSON object raises WireError."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WireError(f"HTTP {status_code}, body is not JSON: {body[:120]!r}") from None
    if not isinstance(data, dict) or data.get("status") not in (OK, "FAIL"):
        raise WireError(f"HTTP {status_code}, answer without status OK/FAIL: {str(data)[:120]}")
    code = str(data.get("ErrorCode", SUCCESS if data["status"] == OK else ""))
    return Answer(
        ok=200 <= status_code < 300 and data["status"] == OK and code == SUCCESS,
        code=code,
        description=str(data.get("ErrorDesc", "")),
        data=data,
    )


def item_row(*, doc_id: str, from_organ: str, message_type: str, created: str) -> dict[str, str]:
    return {"docId": doc_id, "from": from_organ, "messageType": message_type, "created": created}


def parse_items(data: dict[str, Any]) -> list[Item]:
    rows = data.get("data")
    if not isinstance(rows, list):
        raise WireError(f"{RECEIVED_LIST}: missing data list")
    items = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("docId") or row.get("messageType") not in MESSAGE_TYPES:
            raise WireError(f"{RECEIVED_LIST}: bad item {str(row)[:120]}")
        items.append(
            Item(
                doc_id=str(row["docId"]),
                from_organ=str(row.get("from", "")),
                message_type=str(row["messageType"]),
                created=str(row.get("created", "")),
            )
        )
    return items


def encode_content(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def decode_content(data: dict[str, Any]) -> bytes:
    text = data.get("data")
    if not isinstance(text, str):
        raise WireError(f"{GET_EDOC}: missing base64 data")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WireError(f"{GET_EDOC}: data is not base64") from None


def acknowledgement(*, doc_id: str, status: str, description: str = "") -> dict[str, str]:
    """updateStatus's body."""
    if status not in ACKNOWLEDGEMENTS:
        raise WireError(f"unknown acknowledgement {status!r}, expected done or fail")
    return {"docId": doc_id, "status": status, "description": description[:500]}
