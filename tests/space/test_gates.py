"""Who reaches Mon espace santé: its patient (or legal representative of a minor) only, their own
record only; a patient never reaches a professional page, a professional never reaches the space."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DocumentFactory
from tests.helpers import login_patient

SPACE_PAGES = ["space:documents", "space:professionals", "space:history"]


@pytest.mark.parametrize("name", SPACE_PAGES)
def test_an_anonymous_visitor_is_sent_to_the_patient_login(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response.url == reverse("space:login")


@pytest.mark.parametrize("name", [*SPACE_PAGES, "space:login", "space:code"])
def test_a_professional_is_refused_the_patient_space(alice_client, name):
    response = alice_client.get(reverse(name))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        lambda patient: reverse("patients:my_patients"),
        lambda patient: reverse("patients:summary", args=[patient.code]),
        lambda patient: reverse("patients:history", args=[patient.code]),
        lambda patient: reverse("patients:search"),
        lambda patient: reverse("accounts:settings"),
    ],
)
def test_a_patient_is_refused_every_professional_page(patient_client, patient, url):
    assert patient_client.get(url(patient)).status_code == 403


def test_another_patients_document_is_a_404_by_code(patient_client, other):
    theirs = DocumentFactory(patient=other)
    for name in ("space:document_consult", "space:document_download"):
        assert patient_client.get(reverse(name, args=[theirs.code])).status_code == 404


def test_masking_another_patients_document_by_code_changes_nothing(patient_client, other):
    theirs = DocumentFactory(patient=other)
    patient_client.post(reverse("space:mask"), {"documents": [str(theirs.code)], "action": "masquer"})
    theirs.refresh_from_db()
    assert not theirs.masked_to_professionals


def test_a_session_naming_another_patients_record_is_ended(patient, other):
    client = login_patient(Client(), patient, record=other)
    response = client.get(reverse("space:documents"))
    assert response.status_code == 302 and response.url == reverse("space:login")


def test_choosing_another_patients_record_is_refused(patient_client, patient, other):
    patient_client.post(reverse("space:choose"), {"record": str(other.code)})
    page = patient_client.get(reverse("space:documents")).content.decode()
    assert "Vous ne pouvez pas consulter ce profil." in page
    assert other.display_name not in page


def test_a_legal_representative_switches_to_the_minors_space(mother, minor):
    client = login_patient(Client(), mother)
    DocumentFactory(patient=minor, title="Carnet de santé de Nathan")
    client.post(reverse("space:choose"), {"record": str(minor.code)})
    page = client.get(reverse("space:documents")).content.decode()
    assert "Carnet de santé de Nathan" in page
    assert "Représentant légal de" in page


def test_a_legal_representative_cannot_act_for_an_adult(mother, adult_child):
    client = login_patient(Client(), mother)
    DocumentFactory(patient=adult_child, title="Document de Léa")
    client.post(reverse("space:choose"), {"record": str(adult_child.code)})
    assert "Document de Léa" not in client.get(reverse("space:documents")).content.decode()
    tampered = login_patient(Client(), mother, record=adult_child)
    assert tampered.get(reverse("space:documents")).status_code == 302


def test_a_legal_representative_never_sees_a_document_invisible_to_representatives(mother, minor):
    DocumentFactory(
        patient=minor, title="Consultation confidentielle", hidden_from_legal_representatives=True
    )
    DocumentFactory(patient=minor, title="Vaccins")
    client = login_patient(Client(), mother, record=minor)
    page = client.get(reverse("space:documents")).content.decode()
    assert "Vaccins" in page and "Consultation confidentielle" not in page


def test_a_document_not_visible_to_the_patient_is_hidden_until_its_release(patient, physician):
    DocumentFactory(patient=patient, author=physician, title="Résultat à annoncer", announcement=True)
    hidden = patient.documents.get()
    client = login_patient(Client(), patient)
    assert "Résultat à annoncer" not in client.get(reverse("space:documents")).content.decode()
    assert client.get(reverse("space:document_consult", args=[hidden.code])).status_code == 404
