from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.accounts.views import login

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", login.LoginView.as_view(), name="login"),
    path("xac-thuc/", login.second_factor, name="second_factor"),
    path("vneid/", login.vneid_start, name="vneid_start"),
    path("vneid/callback/", login.vneid_callback, name="vneid_callback"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
