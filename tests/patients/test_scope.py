"""Which patients a request may reach: the portal's own, or the trainee's active sandbox only.

Every entry point is tried (DMP pages, authorization page, INS lookup, identity search, Carte Vitale
reader, Mes patients), as a trainee and as a portal professional.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient, RecordAccess, Sandbox, VitaleCard
from patients.search import INS_NOT_FOUND_MESSAGE, NO_RESULT_MESSAGE
from patients.services import vitale_card_set_beneficiaries
from tests.factories import CPSCardFactory, PatientFactory, PracticeFactory, VitaleCardFactory
from tests.helpers import login_verified, text

INS = "180016748290122"  # a valid matricule, shared by the copies below
BIRTH = datetime.date(1980, 1, 12)


def _patient(sandbox: Sandbox | None, first_name: str = "Pierre") -> Patient:
    return PatientFactory(
        sandbox=sandbox, ins=INS, birth_name="Quinio", first_name=first_name, sex="M", birth_date=BIRTH
    )


def _professional(client):
    user = PracticeFactory().professional
    return user, login_verified(client, user, CPSCardFactory(user=user))


@pytest.fixture
def world(db, client):
    """The same INS in the portal and in two trainees' sandboxes, each on a card in the reader."""
    trainee, trainee_client = _professional(client)
    other_trainee = PracticeFactory().professional
    mine = Sandbox.objects.create(label="Poste 1", trainee=trainee)
    theirs = Sandbox.objects.create(label="Poste 2", trainee=other_trainee)
    patients = {
        "portal": _patient(None, "Pierre"),
        "mine": _patient(mine, "Pierre"),
        "theirs": _patient(theirs, "Pierre"),
    }
    for index, patient in enumerate(patients.values()):
        VitaleCardFactory(holder=patient, serial=f"80000000000{index}", in_reader=True)
    return {"trainee": trainee, "client": trainee_client, "patients": patients, "sandbox": mine}


def _identity_search(client):
    return client.post(
        reverse("patients:search"),
        {"name": "QUINIO", "first_name": "Pierre", "sex": "M", "birth": BIRTH.strftime("%d/%m/%Y")},
    )


# The data model -----------------------------------------------------------------------------------


def test_the_same_ins_exists_once_in_the_portal_and_once_in_each_sandbox(world):
    assert Patient.objects.filter(ins=INS).count() == 3


@pytest.mark.parametrize("scope", ["portal", "sandbox"])
def test_the_same_ins_twice_in_one_scope_is_refused_by_the_database(world, scope):
    sandbox = world["sandbox"] if scope == "sandbox" else None
    with pytest.raises(ValidationError, match="Un patient porte déjà ce matricule INS"):
        _patient(sandbox)
    duplicate = Patient.objects.get(ins=INS, sandbox=sandbox)
    duplicate.pk, duplicate.code = None, None
    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.bulk_create([duplicate])


def test_a_vitale_card_never_carries_a_person_of_another_scope(world):
    card = world["patients"]["mine"].vitale_cards.get()
    with pytest.raises(ValidationError, match="pas au même espace"):
        vitale_card_set_beneficiaries(card=card, beneficiaries=[world["patients"]["portal"]])
    assert not card.beneficiaries.exists()


def test_a_trainee_reaches_only_their_active_sandbox_and_nothing_once_it_is_archived(world):
    trainee = world["trainee"]
    assert list(Patient.objects.reachable_by(trainee)) == [world["patients"]["mine"]]
    Sandbox.objects.filter(pk=world["sandbox"].pk).update(archived_at=timezone.now())
    assert not Patient.objects.reachable_by(trainee).exists()


def test_a_portal_professional_reaches_only_the_portals_patients(world, client):
    user, _ = _professional(client)
    assert list(Patient.objects.reachable_by(user)) == [world["patients"]["portal"]]


# Every entry point, as the trainee -------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["patients:open", "patients:summary", "patients:history", "patients:authorization"]
)
@pytest.mark.parametrize("other", ["portal", "theirs"])
def test_a_dmp_url_with_a_patient_outside_my_sandbox_is_a_404(world, url_name, other):
    response = world["client"].get(reverse(url_name, args=[world["patients"][other].code]))
    assert response.status_code == 404


def test_a_document_url_of_another_sandbox_is_a_404(world):
    response = world["client"].get(reverse("documents:list", args=[world["patients"]["theirs"].code]))
    assert response.status_code == 404


def test_my_own_sandbox_patient_opens_on_the_authorization_page(world):
    response = world["client"].get(reverse("patients:open", args=[world["patients"]["mine"].code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:authorization", args=[world["patients"]["mine"].code])


def test_the_ins_lookup_finds_my_sandbox_copy_not_the_portals(world):
    response = world["client"].post(reverse("patients:search_ins"), {"ins": INS})
    assert response["Location"] == reverse("patients:open", args=[world["patients"]["mine"].code])


def test_the_ins_of_a_patient_only_in_another_sandbox_says_aucun_dmp(world):
    theirs = world["patients"]["theirs"]
    only_there = PatientFactory(sandbox=theirs.sandbox, birth_name="Seul", first_name="Ailleurs")
    response = world["client"].post(reverse("patients:search_ins"), {"ins": only_there.ins})
    assert response.status_code == 200
    assert INS_NOT_FOUND_MESSAGE in text(response)


def test_the_identity_search_finds_only_my_sandbox_copy(world):
    response = _identity_search(world["client"])
    page = text(response)
    assert str(world["patients"]["mine"].code) in page
    assert str(world["patients"]["portal"].code) not in page
    assert str(world["patients"]["theirs"].code) not in page


def test_the_vitale_reader_shows_only_my_sandbox_cards(world, settings):
    # This world's sandbox has no workshop session behind it, so no workshop mode: demo mode opens
    # the reader (a real trainee's reader: tests/test_authorization_matrix.py, the trainee persona).
    settings.DMP_DEMO_MODE = True
    page = text(world["client"].get(reverse("patients:vitale")))
    mine, others = world["patients"]["mine"], [world["patients"]["portal"], world["patients"]["theirs"]]
    assert reverse("patients:vitale_card", args=[mine.vitale_cards.get().pk]) in page
    for patient in others:
        card = patient.vitale_cards.get()
        assert reverse("patients:vitale_card", args=[card.pk]) not in page
        assert world["client"].get(reverse("patients:vitale_card", args=[card.pk])).status_code == 404


def test_mes_patients_lists_no_patient_outside_my_sandbox(world):
    now = timezone.now()
    for patient in world["patients"].values():
        RecordAccess.objects.create(
            patient=patient, professional=world["trainee"], first_access_at=now, last_access_at=now
        )
        patient.authorizations.create(professional=world["trainee"], kind="consent")
    page = text(world["client"].get(reverse("patients:my_patients")))
    assert str(world["patients"]["mine"].code) in page
    assert str(world["patients"]["portal"].code) not in page
    assert str(world["patients"]["theirs"].code) not in page


# As a professional outside the workshop -----------------------------------------------------------


def test_a_portal_professional_never_sees_a_sandbox_patient(world, client):
    client.logout()
    _, portal_client = _professional(client)
    sandbox_patient = world["patients"]["mine"]
    assert portal_client.get(reverse("patients:open", args=[sandbox_patient.code])).status_code == 404
    response = portal_client.post(reverse("patients:search_ins"), {"ins": INS})
    assert response["Location"] == reverse("patients:open", args=[world["patients"]["portal"].code])
    page = text(_identity_search(portal_client))
    assert str(world["patients"]["portal"].code) in page
    assert str(sandbox_patient.code) not in page
    reader = text(portal_client.get(reverse("patients:vitale")))
    assert reverse("patients:vitale_card", args=[sandbox_patient.vitale_cards.get().pk]) not in reader


def test_a_sandbox_only_name_gives_no_result_to_a_portal_professional(world, client):
    PatientFactory(sandbox=world["sandbox"], birth_name="Bacasable", first_name="Seul", sex="M")
    client.logout()
    _, portal_client = _professional(client)
    response = portal_client.post(
        reverse("patients:search"), {"name": "BACASABLE", "first_name": "Seul", "sex": "M"}
    )
    assert NO_RESULT_MESSAGE in text(response)


def test_the_admin_refuses_a_card_beneficiary_from_another_scope(world, admin_client):
    data = {
        "serial": "812345678901",
        "holder": world["patients"]["mine"].pk,
        "beneficiaries": [world["patients"]["portal"].pk],
        "in_reader": "on",
    }
    response = admin_client.post(reverse("admin:patients_vitalecard_add"), data)
    assert response.status_code == 200
    assert "pas au même espace" in text(response)
    assert not VitaleCard.objects.filter(serial="812345678901").exists()


def test_the_admin_lists_patients_of_every_scope(world, admin_client):
    page = text(admin_client.get(reverse("admin:patients_patient_changelist")))
    assert page.count("QUINIO PIERRE") == 3
    assert "Poste 1" in page
