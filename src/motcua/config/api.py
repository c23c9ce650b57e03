"""The JSON API: one Router per app, composed here, served at /api/v1/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.agencies.api import router as agencies_router
from motcua.catalog.api import router as catalog_router
from motcua.core.errors import DomainError
from motcua.datastore.api import router as store_router
from motcua.documents.api import router as documents_router
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.api import tracking_router
from motcua.feedback.api import router as feedback_router
from motcua.payments.api import router as payments_router
from motcua.reports.api import router as reports_router
from motcua.worktime.api import router as calendar_router

api = NinjaAPI(
    title="MotCua API",
    version="1",
    description="API of the one-stop platform. Every error is JSON: {code, message, fields}.",
    urls_namespace="api",
)
api.add_router("/agencies", agencies_router)
api.add_router("/procedures", catalog_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/tracking", tracking_router)
api.add_router("/calendar", calendar_router)
api.add_router("/documents", documents_router)
api.add_router("/store", store_router)
api.add_router("/feedback", feedback_router)
api.add_router("/reports", reports_router)
api.add_router("/payments", payments_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("query", "body", "path")]
        fields.setdefault(".".join(location) or "request", []).append(str(error.get("msg", "invalid")))
    body = {"code": "validation_error", "message": "Dữ liệu gửi lên không hợp lệ.", "fields": fields}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthorized", "message": "Cần đăng nhập hoặc mã truy cập API hợp lệ.", "fields": {}}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a failed CSRF check on a session-authenticated write) in our error shape."""
    code = "forbidden" if exc.status_code == 403 else "invalid"
    body = {"code": code, "message": f"Yêu cầu bị từ chối: {exc.message}", "fields": {}}
    return api.create_response(request, body, status=exc.status_code)
