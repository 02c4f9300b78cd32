"""Paramètres: the three emergency choices and closing / reopening the DMP, felt by professionals."""

from django.test import Client
from django.urls import reverse

from audit.models import Action, Trace
from patients import access
from tests.factories import CPSCardFactory, PhysicianFactory
from tests.helpers import login_verified

SETTINGS = reverse("space:settings")


def _choices(samu: bool, others: bool, masked: bool) -> dict:
    data = {}
    for name, value in (("samu", samu), ("others", others), ("masked", masked)):
        if value:
            data[f"urgence-emergency_{name}_allowed"] = "on"
    return data


def test_the_emergency_choices_speak_mon_espace_santes_words(patient_client):
    page = patient_client.get(SETTINGS).content.decode()
    assert (
        "J&#x27;autorise les professionnels de santé du SAMU à accéder à ces rubriques en cas d&#x27;urgence."
        in page
    )
    assert (
        "J&#x27;autorise les professionnels de santé à consulter mes documents masqués en cas d&#x27;urgence."
        in page
    )


def test_refusing_emergency_access_is_saved_and_traced(patient, patient_client):
    response = patient_client.post(SETTINGS, _choices(False, False, False))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert not patient.emergency_samu_allowed and not patient.emergency_others_allowed
    assert Trace.objects.get(patient=patient, action=Action.EMERGENCY_CHOICES_CHANGED).actor is None


def test_masked_documents_in_emergency_need_one_of_the_first_two_choices(patient, patient_client):
    response = patient_client.post(SETTINGS, _choices(False, False, True))
    assert "ne peuvent être consultés en urgence que si" in response.content.decode()
    patient.refresh_from_db()
    assert patient.emergency_samu_allowed and not patient.emergency_masked_allowed
    assert not Trace.objects.filter(patient=patient, action=Action.EMERGENCY_CHOICES_CHANGED).exists()


def test_closing_needs_a_reason_and_a_confirmation(patient, patient_client):
    response = patient_client.post(reverse("space:close"), {"fermeture-reason": "Je déménage"})
    assert "Cochez la case pour confirmer la fermeture." in response.content.decode()
    patient.refresh_from_db()
    assert patient.is_open


def test_a_closed_dmp_refuses_professionals_and_reopening_restores_access(patient, physician, patient_client):
    client = login_verified(Client(), physician, CPSCardFactory(user=physician))
    summary = reverse("patients:summary", args=[patient.code])
    patient_client.post(
        reverse("space:close"), {"fermeture-reason": "Je déménage", "fermeture-confirm": "on"}
    )
    refused = client.get(summary)
    assert refused.status_code == 403
    assert "Le DMP de ce patient est fermé." in refused.content.decode()
    patient_client.post(reverse("space:reopen"))
    assert client.get(summary).status_code == 200
    mine = patient_client.get(reverse("space:history") + "?vue=mes-activites").content.decode()
    assert "Vous avez fermé le DMP" in mine and "Vous avez réactivé le DMP" in mine


def test_an_emergency_access_is_refused_when_the_patient_said_no(patient, patient_client):
    patient_client.post(SETTINGS, _choices(False, False, False))
    patient.refresh_from_db()
    rescuer = PhysicianFactory()
    decision = access.decide_emergency(access.facts_for(rescuer, patient), reason="Malaise")
    assert decision.refusal is access.Refusal.EMERGENCY_OPPOSED
