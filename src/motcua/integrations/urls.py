from django.urls import URLPattern, path

from motcua.integrations import views

app_name = "integrations"
urlpatterns: list[URLPattern] = [
    path("dong-bo/", views.sync_state, name="sync_state"),
    path("dong-bo/ho-so/<str:code>/gui-lai/", views.sync_resend, name="sync_resend"),
    path("dong-bo/loi/", views.dead_letters, name="dead_letters"),
    path("dong-bo/loi/<int:pk>/gui-lai/", views.replay, name="replay"),
]
