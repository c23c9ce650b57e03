from django.urls import path

from motcua.feedback import views

app_name = "feedback"
urlpatterns = [
    path("phan-anh-kien-nghi/", views.public, name="public"),
    path("phan-anh-kien-nghi/gui/", views.send, name="send"),
    path("phan-anh-kien-nghi/tra-cuu/", views.track, name="track"),
    path("phan-anh-kien-nghi/tra-cuu/<str:code>/<str:action>/", views.sender_act, name="sender_act"),
    path("phan-anh-kien-nghi/xu-ly/", views.official_queue, name="queue"),
    path("phan-anh-kien-nghi/xu-ly/<str:code>/", views.official_page, name="handle"),
    path("phan-anh-kien-nghi/xu-ly/<str:code>/<str:action>/", views.official_act, name="act"),
]
