from django.urls import path

from patients import history, views

app_name = "patients"

urlpatterns = [
    path("", views.my_patients, name="my_patients"),
    # The DMP: entry (decides: authorization page or Récapitulatif), then its tabs.
    path("dmp/<uuid:code>/", views.open_record, name="open"),
    path("dmp/<uuid:code>/autorisation/", views.authorization, name="authorization"),
    path("dmp/<uuid:code>/recapitulatif/", views.summary, name="summary"),
    path("dmp/<uuid:code>/informations-patient/", views.patient_information, name="information"),
    path("dmp/<uuid:code>/gestion/", views.management, name="management"),
    path("dmp/<uuid:code>/gestion/retirer/", views.withdraw, name="withdraw"),
    path("dmp/<uuid:code>/gestion/fermer/", views.close_at_patient_request, name="close"),
    path("dmp/<uuid:code>/historique/", history.history, name="history"),
]
# Identity search (patients/search_views.py)
from patients import search_views  # noqa: E402 - each feature appends its own block

urlpatterns += [
    path("recherche/", search_views.search, name="search"),
    path("recherche/ins/", search_views.search_ins, name="search_ins"),
]
# Carte Vitale reader (patients/vitale_views.py)
from patients import vitale_views  # noqa: E402 - each feature appends its own block

urlpatterns += [
    path("carte-vitale/", vitale_views.reader, name="vitale"),
    path("carte-vitale/<int:pk>/", vitale_views.card, name="vitale_card"),
]
