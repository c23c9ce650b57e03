from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from motcua.config.api import api

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua")
admin.site.index_title = _("Administration")

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("lich-lam-viec/", include("motcua.worktime.urls")),
    path("", include("motcua.documents.urls")),
    path("", include("motcua.datastore.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.reports.urls")),
    path("", include("motcua.integrations.urls")),
    path("", include("motcua.payments.urls")),
    path("", include("motcua.notifications.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.catalog.urls")),
]
if settings.MOTCUA_BENCH_FLOORS:  # `make bench` only: the floors every endpoint is compared with
    from motcua.core import floors

    urlpatterns = [
        path("_floor/json", floors.floor_json),
        path("_floor/insert", floors.floor_insert),
        *urlpatterns,
    ]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
