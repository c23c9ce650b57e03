from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/ho-so/", views.dossier_list, name="dossiers"),
    path("thong-ke/", views.public, name="public"),
]
