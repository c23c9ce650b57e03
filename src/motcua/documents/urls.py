from django.urls import path

from motcua.documents.views import office

app_name = "documents"
urlpatterns = [
    path("van-ban/", office.office, name="office"),
    path("van-ban/di/", office.outgoing_list, name="outgoing_list"),
    path("van-ban/di/soan-moi/", office.outgoing_new, name="outgoing_new"),
    path("van-ban/di/<int:pk>/", office.outgoing_page, name="outgoing"),
    path("van-ban/di/<int:pk>/thao-tac/<str:action>/", office.outgoing_act, name="outgoing_act"),
    path("van-ban/di/<int:pk>/phien-ban/", office.outgoing_version, name="outgoing_version"),
    path("van-ban/di/<int:pk>/ban-ky-so.pdf", office.outgoing_pdf, name="outgoing_pdf"),
    path("van-ban/di/<int:pk>/goi-edxml/", office.outgoing_edxml, name="outgoing_edxml"),
    path("van-ban/di/<int:pk>/trang-thai/", office.outgoing_status, name="outgoing_status"),
    path("van-ban/den/", office.incoming_list, name="incoming_list"),
    path("van-ban/den/vao-so/", office.incoming_new, name="incoming_new"),
    path("van-ban/den/<int:pk>/", office.incoming_page, name="incoming"),
    path("van-ban/den/<int:pk>/thao-tac/<str:action>/", office.incoming_act, name="incoming_act"),
    path("van-ban/den/<int:pk>/tep/", office.incoming_file, name="incoming_file"),
    path("van-ban/den/<int:pk>/trang-thai.edxml", office.incoming_status, name="incoming_status"),
    path("van-ban/giao-viec/", office.task_new, name="task_new"),
    path("van-ban/giao-viec/<int:pk>/tien-do/", office.task_progress, name="task_progress"),
    path("van-ban/so/<str:kind>/", office.register_book, name="register_book"),
    path("van-ban/<str:kind>/<int:pk>/cho-phep-xem/", office.grant, name="grant"),
]
