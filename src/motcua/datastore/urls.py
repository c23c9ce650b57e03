from django.urls import path

from motcua.datastore import views

app_name = "datastore"
urlpatterns = [
    path("kho-du-lieu/", views.my_store, name="mine"),
    path("kho-du-lieu/<int:pk>/", views.document_page, name="document"),
    path("kho-du-lieu/<int:pk>/tep/", views.open_file, name="file"),
    path("kho-du-lieu/dung-lai/ho-so/<int:pk>/", views.reuse_in_draft, name="reuse_in_draft"),
    path("mot-cua/ho-so/<str:code>/so-hoa/", views.digitise, name="digitise"),
    path("mot-cua/ho-so/<str:code>/dung-lai/", views.reuse_at_desk, name="reuse_at_desk"),
]
