"""Mon espace santé (/mon-espace-sante/): patients and legal representatives only. Wiring of three
apps (patients: login, professionals; documents: documents, history; messaging: messages), hence here."""

from django.urls import path

from documents import space_views as documents_views
from messaging import space_views as messaging_views
from patients import space_views

app_name = "space"

urlpatterns = [
    path("", space_views.login, name="login"),
    path("code/", space_views.code, name="code"),
    path("simulation/courriel/", space_views.code_simulator, name="code_simulator"),
    path("deconnexion/", space_views.logout, name="logout"),
    path("profil/", space_views.choose, name="choose"),
    path("documents/", documents_views.documents, name="documents"),
    path("documents/ajouter/", documents_views.document_add, name="document_add"),
    path("documents/masquer/", documents_views.mask, name="mask"),
    path("documents/<uuid:code>/consulter/", documents_views.document_consult, name="document_consult"),
    path("documents/<uuid:code>/telecharger/", documents_views.document_download, name="document_download"),
    path("professionnels/", space_views.professionals, name="professionals"),
    path("professionnels/bloquer/", space_views.block, name="block"),
    path("professionnels/debloquer/<int:block_id>/", space_views.unblock, name="unblock"),
    path("parametres/", space_views.settings_page, name="settings"),
    path("parametres/nouveaux-documents/", space_views.new_documents_masking, name="new_documents_masking"),
    path("parametres/fermer/", space_views.close, name="close"),
    path("parametres/reactiver/", space_views.reopen, name="reopen"),
    path("historique/", documents_views.history, name="history"),
    path("notifications/", space_views.notifications, name="notifications"),
    path("messagerie/", messaging_views.inbox, name="messages"),
    path("messagerie/<uuid:code>/", messaging_views.message, name="message"),
    path("messagerie/pieces-jointes/<uuid:code>/", messaging_views.attachment, name="attachment"),
]
