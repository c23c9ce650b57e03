from django.urls import path

from motcua.notifications import views

app_name = "notifications"
urlpatterns = [
    path("callbacks/messaging/<str:channel>/", views.delivery_report, name="delivery_report"),
]
