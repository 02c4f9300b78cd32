"""Access rights changed in the admin go through patients/services.py and are traced in the
patient's history: blocks, care stays, médecins traitants DMP, DMP status, emergency choices."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients import access
from patients.models import Block, CareStay, DMPStatus, Patient
from tests.factories import CareStayFactory, EstablishmentFactory, PatientFactory, PhysicianFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db


def _change_url(patient: Patient) -> str:
    return reverse("admin:patients_patient_change", args=[patient.pk])


def _form_data(response) -> dict:
    """What the change page would post back unchanged: the form's and every inline's values."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(getattr(v, "pk", v)) for v in value]
            else:
                data[form.add_prefix(name)] = value
    return data


def _post(admin_client, patient: Patient, **changes) -> object:
    data = _form_data(admin_client.get(_change_url(patient)))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return admin_client.post(_change_url(patient), data)


def _changes(patient: Patient) -> list[tuple[str, str]]:
    """The patient's traces other than the administrator's page reads."""
    return list(
        Trace.objects.filter(patient=patient)
        .exclude(action=Action.ADMIN_RECORD_VIEWED)
        .order_by("seq")
        .values_list("action", "details")
    )


@pytest.fixture
def patient():
    return PatientFactory(birth_name="Schaller", first_name="Anne")


def test_saving_the_page_unchanged_changes_no_access_right(admin_client, patient):
    response = _post(admin_client, patient)

    assert response.status_code == 302
    assert _changes(patient) == []


def test_a_block_added_in_the_admin_is_traced_and_shuts_the_professional_out(admin_client, alice, patient):
    response = _post(
        admin_client,
        patient,
        **{
            "blocks-TOTAL_FORMS": "1",
            "blocks-0-professional": str(alice.pk),
            "blocks-0-patient": str(patient.pk),
        },
    )

    assert response.status_code == 302
    assert Block.objects.filter(patient=patient, professional=alice).exists()
    assert access.decision_for(alice, patient).refusal is access.Refusal.BLOCKED
    [(action, details)] = _changes(patient)
    assert action == Action.BLOCK_ADDED
    assert alice.display_name in details


def test_a_block_lifted_in_the_admin_is_traced(admin_client, alice, patient):
    Block.objects.create(patient=patient, professional=alice)

    _post(admin_client, patient, **{"blocks-0-DELETE": "on"})

    assert not Block.objects.filter(patient=patient).exists()
    assert [action for action, _ in _changes(patient)] == [Action.BLOCK_REMOVED]


def test_a_care_stay_added_then_removed_is_traced_each_time(admin_client, alice, patient):
    establishment = alice.practices.get().establishment
    today = timezone.localdate()
    _post(
        admin_client,
        patient,
        **{
            "stays-TOTAL_FORMS": "1",
            "stays-0-establishment": str(establishment.pk),
            "stays-0-started_on": today.strftime("%d/%m/%Y"),
            "stays-0-patient": str(patient.pk),
        },
    )
    assert access.decision_for(alice, patient).mode is access.Mode.CARE_TEAM

    _post(admin_client, patient, **{"stays-0-DELETE": "on"})

    assert not CareStay.objects.filter(patient=patient).exists()
    assert [action for action, _ in _changes(patient)] == [Action.CARE_STAY_ADDED, Action.CARE_STAY_REMOVED]
    assert establishment.name in _changes(patient)[0][1]


def test_a_stay_ending_before_it_starts_is_refused_and_nothing_changes(admin_client, patient):
    stay = CareStayFactory(patient=patient, establishment=EstablishmentFactory())

    response = _post(
        admin_client,
        patient,
        **{"stays-0-ended_on": (stay.started_on.replace(year=stay.started_on.year - 1)).strftime("%d/%m/%Y")},
    )

    assert response.status_code == 200
    stay.refresh_from_db()
    assert stay.ended_on is None
    assert _changes(patient) == []


def test_the_attending_physician_named_and_removed_is_traced(admin_client, patient):
    physician = PhysicianFactory(last_name="Weber")

    _post(admin_client, patient, dmp_attending_physicians=[str(physician.pk)])
    assert access.decision_for(physician, patient).mode is access.Mode.CARE_TEAM
    _post(admin_client, patient, dmp_attending_physicians=None)

    assert not patient.dmp_attending_physicians.exists()
    assert [action for action, _ in _changes(patient)] == [
        Action.ATTENDING_PHYSICIAN_ADDED,
        Action.ATTENDING_PHYSICIAN_REMOVED,
    ]
    assert "WEBER" in _changes(patient)[0][1]


def test_closing_a_dmp_needs_a_reason_and_nothing_changes_without_one(admin_client, patient):
    response = _post(admin_client, patient, dmp_status=DMPStatus.CLOSED, closing_reason="")

    assert "Indiquez le motif de fermeture du DMP." in text(response)
    patient.refresh_from_db()
    assert patient.is_open
    assert _changes(patient) == []


def test_closing_then_reopening_a_dmp_is_traced(admin_client, alice, patient):
    _post(admin_client, patient, dmp_status=DMPStatus.CLOSED, closing_reason="Demande du patient")
    patient.refresh_from_db()
    assert patient.closed_on == timezone.localdate()
    assert access.decision_for(alice, patient).refusal is access.Refusal.DMP_CLOSED

    _post(admin_client, patient, dmp_status=DMPStatus.ACTIVE)

    patient.refresh_from_db()
    assert patient.is_open and patient.closed_on is None and patient.closing_reason == ""
    assert _changes(patient) == [(Action.DMP_CLOSED, "Demande du patient"), (Action.DMP_REOPENED, "")]


def test_the_emergency_choices_changed_are_traced(admin_client, patient):
    _post(admin_client, patient, emergency_others_allowed=None)

    patient.refresh_from_db()
    assert not patient.emergency_others_allowed
    assert _changes(patient) == [
        (
            Action.EMERGENCY_CHOICES_CHANGED,
            "SAMU : oui ; autres professionnels : non ; documents masqués : non",
        )
    ]


def test_masked_documents_in_emergency_without_any_emergency_access_is_refused(admin_client, patient):
    response = _post(
        admin_client,
        patient,
        emergency_samu_allowed=None,
        emergency_others_allowed=None,
        emergency_masked_allowed="on",
    )

    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.emergency_samu_allowed and patient.emergency_others_allowed
    assert _changes(patient) == []


def test_an_identity_change_alone_writes_no_access_trace(admin_client, patient):
    _post(admin_client, patient, usual_name="Martin")

    patient.refresh_from_db()
    assert patient.usual_name == "Martin"
    assert patient.usual_name_key == "MARTIN"
    assert _changes(patient) == []


def test_a_patient_cannot_be_deleted_from_the_admin(admin_client, patient):
    response = admin_client.post(reverse("admin:patients_patient_delete", args=[patient.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Patient.objects.filter(pk=patient.pk).exists()
