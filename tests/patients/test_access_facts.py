"""patients.access.facts_for(): the facts are this professional's, about this patient, today.

The decision table (test_access.py) trusts the facts; these tests make sure another
professional's declaration, access or block, another establishment's stay or another doctor's
attendance never count as this professional's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PracticeSetting
from audit.models import Action, Trace
from patients.access import Mode, Refusal, decide, decision_for, facts_for, facts_for_many
from patients.models import Block, RecordAccess
from patients.services import authorization_declare
from tests.factories import (
    AuthorizationFactory,
    CareStayFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db


def _outcome(user, patient):
    decision = decision_for(user, patient)
    return decision.mode or decision.refusal


@pytest.fixture
def patient():
    return PatientFactory()


@pytest.fixture
def colleague():
    """Another pharmacist, of another establishment."""
    return PracticeFactory().professional


def test_a_stay_makes_the_care_team_only_in_its_own_establishment(alice, colleague, patient):
    CareStayFactory(patient=patient, establishment=colleague.practices.get().establishment)
    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION

    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    assert _outcome(alice, patient) is Mode.CARE_TEAM


def test_a_stay_that_starts_tomorrow_does_not_make_the_care_team_yet(alice, patient):
    tomorrow = timezone.localdate() + timedelta(days=1)
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment, started_on=tomorrow)

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION


def test_only_the_attending_physician_himself_is_in_the_care_team(alice, patient):
    doctor, other_doctor = PhysicianFactory(), PhysicianFactory()
    patient.dmp_attending_physicians.add(doctor)

    assert _outcome(doctor, patient) is Mode.CARE_TEAM
    assert _outcome(other_doctor, patient) is Refusal.NEEDS_DECLARATION
    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION


def test_another_professional_s_block_does_not_block_me(alice, colleague, patient):
    AuthorizationFactory(patient=patient, professional=alice)
    Block.objects.create(patient=patient, professional=colleague)

    assert _outcome(alice, patient) is Mode.CONSENT
    assert _outcome(colleague, patient) is Refusal.BLOCKED


def test_another_professional_s_consent_does_not_authorize_me(alice, colleague, patient):
    AuthorizationFactory(patient=patient, professional=colleague)

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION
    assert _outcome(colleague, patient) is Mode.CONSENT


def test_another_professional_s_emergency_access_does_not_open_the_dmp_to_me(alice, colleague, patient):
    AuthorizationFactory(patient=patient, professional=colleague, emergency=True)

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION
    assert _outcome(colleague, patient) is Mode.EMERGENCY


def test_another_professional_s_recent_access_does_not_renew_my_six_months(alice, colleague, patient):
    long_ago, now = timezone.now() - timedelta(days=200), timezone.now()
    AuthorizationFactory(patient=patient, professional=alice, declared_at=long_ago)
    RecordAccess.objects.create(
        patient=patient, professional=alice, first_access_at=long_ago, last_access_at=long_ago
    )
    RecordAccess.objects.create(
        patient=patient, professional=colleague, first_access_at=now, last_access_at=now
    )

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION


def test_my_own_recent_access_renews_an_old_consent(alice, patient):
    long_ago, recently = timezone.now() - timedelta(days=200), timezone.now() - timedelta(days=10)
    AuthorizationFactory(patient=patient, professional=alice, declared_at=long_ago)
    RecordAccess.objects.create(
        patient=patient, professional=alice, first_access_at=long_ago, last_access_at=recently
    )

    assert _outcome(alice, patient) is Mode.CONSENT


def test_an_emergency_access_is_not_a_consent_once_over(alice, patient):
    AuthorizationFactory(
        patient=patient,
        professional=alice,
        emergency=True,
        declared_at=timezone.now() - timedelta(hours=30),
        expires_at=timezone.now() - timedelta(hours=6),
    )

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION


def test_a_withdrawn_consent_no_longer_counts(alice, patient):
    AuthorizationFactory(patient=patient, professional=alice, withdrawn_at=timezone.now())

    assert _outcome(alice, patient) is Refusal.NEEDS_DECLARATION


@pytest.fixture
def samu_doctor():
    practice = PracticeFactory(
        professional=PhysicianFactory(), practice_setting=PracticeSetting.objects.get(code="SAMU_SMUR")
    )
    return practice.professional


def test_a_samu_professional_declares_in_regulation_mode_by_the_samu_choice(samu_doctor, alice):
    # The patient allows the SAMU, not the other professionals.
    patient = PatientFactory(emergency_samu_allowed=True, emergency_others_allowed=False)

    samu = authorization_declare(
        professional=samu_doctor, patient=patient, kind="emergency", reason="Régulation"
    )
    other = authorization_declare(professional=alice, patient=patient, kind="emergency", reason="Urgence")

    assert samu.mode is Mode.REGULATION
    assert _outcome(samu_doctor, patient) is Mode.REGULATION
    assert other.refusal is Refusal.EMERGENCY_OPPOSED
    assert Trace.objects.filter(action=Action.EMERGENCY_ACCESS).count() == 1


def test_the_other_professionals_are_judged_by_their_own_choice(samu_doctor, alice):
    patient = PatientFactory(emergency_samu_allowed=False, emergency_others_allowed=True)

    samu = authorization_declare(
        professional=samu_doctor, patient=patient, kind="emergency", reason="Régulation"
    )
    other = authorization_declare(professional=alice, patient=patient, kind="emergency", reason="Urgence")

    assert samu.refusal is Refusal.EMERGENCY_OPPOSED
    assert other.mode is Mode.EMERGENCY


def test_an_administrator_is_not_a_professional_even_as_attending_physician(admin_user, patient):
    patient.dmp_attending_physicians.add(admin_user)

    assert facts_for(admin_user, patient).is_professional is False
    assert _outcome(admin_user, patient) is Refusal.NOT_A_PROFESSIONAL


def test_a_closed_dmp_is_closed_for_the_care_team_too(alice):
    patient = PatientFactory(dmp_status="ferme", closed_on=timezone.localdate(), closing_reason="Décès")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)

    assert _outcome(alice, patient) is Refusal.DMP_CLOSED


def test_facts_for_many_patients_keep_each_patient_s_facts_apart(alice):
    in_care, consented, stranger = PatientFactory(), PatientFactory(), PatientFactory()
    CareStayFactory(patient=in_care, establishment=alice.practices.get().establishment)
    AuthorizationFactory(patient=consented, professional=alice)

    facts = facts_for_many(alice, [in_care, consented, stranger])

    assert [
        (decide(facts[p.pk]).mode or decide(facts[p.pk]).refusal) for p in (in_care, consented, stranger)
    ] == [
        Mode.CARE_TEAM,
        Mode.CONSENT,
        Refusal.NEEDS_DECLARATION,
    ]


def test_the_facts_of_many_patients_take_two_queries_whatever_their_number(alice, django_assert_num_queries):
    """ "Mes patients" and every DMP page: the practices, then one query of indexed subqueries."""
    patients = PatientFactory.create_batch(12)
    AuthorizationFactory(patient=patients[0], professional=alice)
    Block.objects.create(patient=patients[1], professional=alice)
    CareStayFactory(patient=patients[2], establishment=alice.practices.get().establishment)
    patients[3].dmp_attending_physicians.add(alice)

    with django_assert_num_queries(2):
        facts = facts_for_many(alice, patients)

    assert decide(facts[patients[0].pk]).mode is Mode.CONSENT
    assert decide(facts[patients[1].pk]).refusal is Refusal.BLOCKED
    assert decide(facts[patients[2].pk]).mode is Mode.CARE_TEAM
    assert decide(facts[patients[3].pk]).mode is Mode.CARE_TEAM
    assert {decide(facts[p.pk]).refusal for p in patients[4:]} == {Refusal.NEEDS_DECLARATION}
