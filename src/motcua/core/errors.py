"""Domain errors and the one JSON shape every API error uses.

Services raise ``DomainError`` subclasses with a stable ``code`` and a Vietnamese ``message``;
the API layer turns them into ``{"code": ..., "message": ..., "fields": {...}}`` (``ErrorOut``).
"""

from __future__ import annotations

from ninja import Schema


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFoundError(DomainError):
    """Also used for "not yours": callers must not learn that another agency's object exists."""

    code = "not_found"
    status = 404


class PermissionDeniedError(DomainError):
    code = "forbidden"
    status = 403


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


ERROR_RESPONSES: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
