from django.urls import path

from motcua.catalog.views import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("thu-tuc/", portal.search, name="search"),
    path("thu-tuc/<str:code>/", portal.procedure, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", portal.template_download, name="template"),
]
