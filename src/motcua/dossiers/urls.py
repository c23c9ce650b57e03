from django.urls import path

from motcua.dossiers.views import desk, portal

app_name = "dossiers"
urlpatterns = [
    path("thu-tuc/<str:code>/nop-ho-so/", portal.apply, name="apply"),
    path("ho-so/nhap/<int:pk>/", portal.draft, name="draft"),
    path("ho-so/nhap/<int:pk>/tai-len/", portal.upload, name="upload"),
    path("ho-so/nhap/<int:pk>/nop/", portal.submit, name="submit"),
    path("ho-so/nhap/<int:pk>/nop-bo-sung/", portal.submit_supplement, name="submit_supplement"),
    path("ho-so/", portal.my_dossiers, name="mine"),
    path("tra-cuu/", portal.track_search, name="track_search"),
    path("tra-cuu/<str:code>/", portal.track, name="track"),
    path("tra-cuu/<str:code>/tep/<int:file_id>/", portal.dossier_file, name="file"),
    path("tra-cuu/<str:code>/danh-gia/", portal.rate, name="rate"),
    path("mot-cua/", desk.workspace, name="workspace"),
    path("mot-cua/tiep-nhan/", desk.register, name="register"),
    path("mot-cua/ho-so/<str:code>/", desk.dossier_page, name="desk_dossier"),
    path("mot-cua/ho-so/<str:code>/thao-tac/<str:action>/", desk.act, name="act"),
    path("mot-cua/ho-so/<str:code>/ket-qua/", desk.upload_result, name="upload_result"),
    path("mot-cua/ho-so/<str:code>/ban-quet/", desk.upload_scan, name="upload_scan"),
    path("mot-cua/ho-so/<str:code>/giay-tiep-nhan.pdf", desk.receipt_pdf, name="receipt_pdf"),
    path("mot-cua/ho-so/<str:code>/phieu/<str:which>.pdf", desk.form_pdf, name="form_pdf"),
    path("mot-cua/so-theo-doi/", desk.register_book, name="register_book"),
]
