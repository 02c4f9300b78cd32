"""No page a signed-in professional sees is stored by the browser or a proxy (shared workstations):
dmp_portal.middleware.NoStoreForSignedInMiddleware."""

import uuid

import pytest
from django.urls import reverse

from patients.models import Block
from tests.factories import CareStayFactory, DocumentFactory, PatientFactory, VitaleCardFactory

DMP_PAGES = [
    "patients:open",
    "patients:summary",
    "patients:information",
    "patients:management",
    "patients:history",
    "documents:list",
    "documents:grid",
    "documents:vaccination",
]


@pytest.fixture
def in_care(alice):
    """A patient in care where Alice works: she opens the DMP without declaring."""
    patient = PatientFactory()
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


def _assert_not_stored(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", DMP_PAGES)
def test_every_dmp_page_is_not_stored(alice_client, in_care, name):
    response = alice_client.get(reverse(name, args=[in_care.code]))

    assert response.status_code in (200, 302)
    _assert_not_stored(response)


@pytest.mark.django_db
def test_the_authorization_page_and_a_refusal_are_not_stored(alice_client, alice):
    patient = PatientFactory()
    authorization = alice_client.get(reverse("patients:authorization", args=[patient.code]))
    Block.objects.create(patient=patient, professional=alice)
    refusal = alice_client.get(reverse("patients:summary", args=[patient.code]))

    assert (authorization.status_code, refusal.status_code) == (200, 403)
    _assert_not_stored(authorization)
    _assert_not_stored(refusal)


@pytest.mark.django_db
def test_search_results_and_the_vitale_reader_are_not_stored(alice_client, in_care):
    card = VitaleCardFactory(holder=in_care, in_reader=True)
    identity = {"name": in_care.birth_name, "first_name": in_care.first_name, "sex": in_care.sex}
    responses = [
        alice_client.get(reverse("patients:my_patients")),
        alice_client.post(reverse("patients:search"), identity),
        alice_client.post(reverse("patients:search_ins"), {"ins": "12345"}),
        alice_client.get(reverse("patients:vitale")),
        alice_client.get(reverse("patients:vitale_card", args=[card.pk])),
        alice_client.get(reverse("patients:summary", args=[uuid.uuid4()])),  # 404
    ]

    assert in_care.ins in responses[1].content.decode()
    for response in responses:
        _assert_not_stored(response)


@pytest.mark.django_db
def test_a_view_s_own_no_store_is_kept_as_it_is(alice_client, in_care):
    document = DocumentFactory(patient=in_care)

    response = alice_client.get(reverse("documents:download", args=[in_care.code, document.code]))

    assert response["Cache-Control"] == "no-store, private"
