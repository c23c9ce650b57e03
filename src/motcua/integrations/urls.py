from django.urls import URLPattern

app_name = "integrations"
urlpatterns: list[URLPattern] = []
