from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:code>/thanh-toan/", views.start, name="start"),
    path("thanh-toan/<str:order_id>/", views.detail, name="detail"),
    path("thanh-toan/<str:order_id>/ket-qua/", views.returned, name="returned"),
    path("thanh-toan/<str:order_id>/bien-lai.pdf", views.receipt, name="receipt"),
]
