"""The Documents and Carnet de vaccination tabs, under dmp/<uuid:code>/ (dmp_portal/urls.py).
Documents are named by their UUID, never by a sequential id."""

from django.urls import path

from documents import views, views_files, views_upload, views_vaccination

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("documents/parcours-de-soins/", views.document_grid, name="grid"),
    path("documents/ajouter/", views_upload.document_add, name="add"),
    path("documents/<uuid:document>/", views.document_detail, name="detail"),
    path("documents/<uuid:document>/consulter/", views_files.document_consult, name="consult"),
    path("documents/<uuid:document>/telecharger/", views_files.document_download, name="download"),
    path("documents/<uuid:document>/archiver/", views.document_archive, name="archive"),
    path("documents/<uuid:document>/supprimer/", views.document_delete, name="delete"),
    path(
        "documents/<uuid:document>/confidentialite/", views.document_confidentiality, name="confidentiality"
    ),
    path("vaccination/", views_vaccination.vaccination_book, name="vaccination"),
]
