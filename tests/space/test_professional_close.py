"""Gestion DMP: on the patient's request in consultation, the professional closes the DMP (reason,
confirmation) through the service the patient's own closing uses; traced as "a clôturé le DMP à
la demande du patient"; every professional, them included, is then refused; the patient reopens
it from Mon espace santé."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients.models import Block
from tests.factories import CPSCardFactory
from tests.helpers import login_verified, text

REASON = "Ne souhaite plus de DMP"


def _client(professional) -> Client:
    return login_verified(Client(), professional, CPSCardFactory(user=professional))


def _close(client, patient, **data):
    payload = {"fermeture-reason": REASON, "fermeture-confirm": "on"} | data
    return client.post(reverse("patients:close", args=[patient.code]), payload)


def test_the_management_tab_shows_the_status_and_the_closing_form(patient, physician):
    page = text(_client(physician).get(reverse("patients:management", args=[patient.code])))
    assert "Statut du DMP" in page and "Actif" in page
    assert "Fermer le DMP à la demande du patient" in page
    assert "Le patient m'a demandé, en consultation, de fermer son DMP." in page


def test_the_professional_closes_the_dmp_at_the_patients_request(patient, physician, patient_client):
    client = _client(physician)
    response = _close(client, patient)
    assert response.status_code == 302 and response.url == reverse("patients:my_patients")
    patient.refresh_from_db()
    assert not patient.is_open and patient.closing_reason == REASON
    trace = Trace.objects.get(patient=patient, action=Action.DMP_CLOSED_AT_PATIENT_REQUEST)
    assert trace.actor == physician and trace.details == REASON
    assert not Trace.objects.filter(patient=patient, action=Action.DMP_CLOSED).exists()
    refused = client.get(reverse("patients:summary", args=[patient.code]))
    assert refused.status_code == 403 and "Le DMP de ce patient est fermé." in text(refused)
    seen = text(patient_client.get(reverse("space:history")))
    assert f"a clôturé le DMP à la demande du patient : {REASON}" in seen
    patient_client.post(reverse("space:reopen"))
    assert client.get(reverse("patients:summary", args=[patient.code])).status_code == 200


def test_without_confirmation_or_reason_nothing_is_closed(patient, physician):
    client = _client(physician)
    unconfirmed = _close(client, patient, **{"fermeture-confirm": ""})
    assert unconfirmed.status_code == 400
    assert "Cochez la case pour confirmer la fermeture." in text(unconfirmed)
    no_reason = _close(client, patient, **{"fermeture-reason": "  "})
    assert no_reason.status_code == 400
    assert "Indiquez le motif de la fermeture." in text(no_reason)
    too_long = _close(client, patient, **{"fermeture-reason": "x" * 201})
    assert too_long.status_code == 400
    assert "Assurez-vous que cette valeur comporte au plus 200 caractères" in text(too_long)
    patient.refresh_from_db()
    assert patient.is_open
    assert not Trace.objects.filter(patient=patient, action=Action.DMP_CLOSED_AT_PATIENT_REQUEST).exists()


def test_a_professional_without_access_cannot_close(patient, physician):
    client = _client(physician)
    Block.objects.create(patient=patient, professional=physician, blocked_at=timezone.now())
    assert _close(client, patient).status_code == 403
    patient.refresh_from_db()
    assert patient.is_open


def test_closing_is_post_only_and_refused_to_the_patient(patient, physician, patient_client):
    url = reverse("patients:close", args=[patient.code])
    assert _client(physician).get(url).status_code == 405
    assert _close(patient_client, patient).status_code == 403
    patient.refresh_from_db()
    assert patient.is_open
