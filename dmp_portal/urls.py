from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("patients.urls")),
    # The DMP's Documents and Carnet de vaccination tabs (documents/urls.py).
    path("dmp/<uuid:code>/", include("documents.urls")),
    # Messagerie sécurisée (MSSanté): mailboxes, messages, attachments (messaging/urls.py).
    path("messagerie/", include("messaging.urls")),
    # The trainer's workshop: sessions, sheets, statistics (workshop/urls.py).
    path("atelier/", include("workshop.urls")),
    # The Annuaire santé (directory/urls.py).
    path("annuaire/", include("directory.urls")),
    # Mon espace santé: the patient's and the legal representative's own pages (space_urls.py).
    path("mon-espace-sante/", include("dmp_portal.space_urls")),
    path("admin/", admin.site.urls),
    # The benchmark's bare view (bench/views.py): a 404 outside bench mode.
    path("", include("bench.urls")),
]
