"""The DMP pages ask patients.access: no decision, no page; declarations and withdrawal."""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, Trace
from patients.access import EMERGENCY_DURATION
from patients.models import Authorization, Block, DMPStatus
from tests.factories import CareStayFactory, CPSCardFactory, PatientFactory, ProfessionalFactory
from tests.helpers import login_verified, text

TABS = ["patients:summary", "patients:information", "patients:management"]


@pytest.fixture
def patient(db):
    return PatientFactory(birth_name="Le Quinio", first_name="Pierre")


def _declare_consent(client, patient):
    return client.post(reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"})


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["patients:open", *TABS])
def test_an_unknown_patient_is_a_404(alice_client, name):
    assert alice_client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["patients:open", *TABS])
def test_without_authorization_every_page_leads_to_the_authorization_page(alice_client, patient, name):
    response = alice_client.get(reverse(name, args=[patient.code]))

    assert response.status_code == 302
    assert response["Location"] == reverse("patients:authorization", args=[patient.code])
    assert not Trace.objects.filter(action=Action.RECORD_OPENED).exists()


@pytest.mark.django_db
def test_the_authorization_page_speaks_as_the_slides_do(alice_client, patient):
    body = text(alice_client.get(reverse("patients:authorization", args=[patient.code])))

    assert "Vous n'êtes actuellement pas autorisé à accéder au DMP de M. LE QUINIO PIERRE" in body
    assert (
        "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP."
        in body
    )
    assert "J'accède en urgence au DMP." in body
    assert "Accéder au DMP" in body
    assert "Annuler" in body


@pytest.mark.django_db
def test_declaring_consent_opens_the_record_and_traces_both_steps(alice_client, alice, patient):
    response = _declare_consent(alice_client, patient)
    assert response["Location"] == reverse("patients:open", args=[patient.code])

    summary = alice_client.get(response["Location"], follow=True)

    assert summary.redirect_chain[-1][0] == reverse("patients:summary", args=[patient.code])
    body = text(summary)
    assert "Mes Patients" in body and "DMP de M. LE QUINIO PIERRE" in body and "Récapitulatif" in body
    actions = list(
        Trace.objects.filter(patient=patient, actor=alice).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [Action.AUTHORIZATION_DECLARED, Action.RECORD_OPENED]


def _lands_on(response, name: str, patient) -> bool:
    """The page shown at the end of the redirects is `name` (not the authorization page)."""
    final = response.redirect_chain[-1][0] if response.redirect_chain else response.request["PATH_INFO"]
    return response.status_code == 200 and final == reverse(name, args=[patient.code])


@pytest.mark.django_db
def test_browsing_the_tabs_does_not_trace_the_opening_again(alice_client, patient):
    _declare_consent(alice_client, patient)
    for name in ["patients:open", *TABS, *TABS]:
        landing = "patients:summary" if name == "patients:open" else name
        assert _lands_on(alice_client.get(reverse(name, args=[patient.code]), follow=True), landing, patient)

    assert Trace.objects.filter(patient=patient, action=Action.RECORD_OPENED).count() == 1


@pytest.mark.django_db
def test_no_declaration_chosen_is_refused_in_french(alice_client, patient):
    response = alice_client.post(reverse("patients:authorization", args=[patient.code]), {})

    assert "Choisissez l'une des deux déclarations." in text(response)
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_emergency_without_reason_is_refused_and_records_nothing(alice_client, patient):
    response = alice_client.post(
        reverse("patients:authorization", args=[patient.code]), {"declaration": "emergency", "reason": " "}
    )

    assert "Indiquez le motif de l'accès en urgence." in text(response)
    assert not Authorization.objects.exists()
    assert not Trace.objects.exists()


def _input(page: str, name: str, value: str | None = None) -> str:
    """The HTML tag of the form control `name` (with this `value`, for a radio button)."""
    tag = "textarea" if name == "reason" else "input"
    value_attr = f' value="{value}"' if value is not None else ""
    found = re.search(rf'<{tag}[^>]*name="{name}"{value_attr}[^>]*>', page)
    assert found, (name, value)
    return found.group(0)


OPPOSITION = "s'est opposé à l'accès en urgence"


@pytest.mark.django_db
def test_when_the_patient_opposed_emergency_access_only_consent_can_be_chosen(alice_client):
    patient = PatientFactory(emergency_samu_allowed=False, emergency_others_allowed=False)

    page = text(alice_client.get(reverse("patients:authorization", args=[patient.code])))

    assert page.count(OPPOSITION) == 1
    assert " disabled" in _input(page, "declaration", "emergency")
    assert 'aria-describedby="opposition-acces-urgence"' in _input(page, "declaration", "emergency")
    assert 'id="opposition-acces-urgence"' in page
    assert " disabled" not in _input(page, "declaration", "consent")
    assert " disabled" in _input(page, "reason")


@pytest.mark.django_db
def test_a_forced_emergency_declaration_against_the_opposition_is_refused_and_said_once(alice_client):
    patient = PatientFactory(emergency_samu_allowed=False, emergency_others_allowed=False)

    response = alice_client.post(
        reverse("patients:authorization", args=[patient.code]),
        {"declaration": "emergency", "reason": "Urgence vitale"},
    )

    page = text(response)
    assert response.status_code == 200
    assert page.count(OPPOSITION) == 1
    assert " disabled" in _input(page, "declaration", "emergency")
    assert not Authorization.objects.exists()
    assert not Trace.objects.exists()
    declared = alice_client.post(
        reverse("patients:authorization", args=[patient.code]), {"declaration": "consent"}
    )
    assert declared["Location"] == reverse("patients:open", args=[patient.code])  # consent still works


@pytest.mark.django_db
def test_without_opposition_the_emergency_choice_is_open(alice_client, patient):
    page = text(alice_client.get(reverse("patients:authorization", args=[patient.code])))

    assert OPPOSITION not in page
    assert " disabled" not in _input(page, "declaration", "emergency")
    assert " disabled" not in _input(page, "reason")


@pytest.mark.django_db
def test_emergency_access_is_traced_with_its_reason_and_ends_by_itself(alice_client, alice, patient):
    alice_client.post(
        reverse("patients:authorization", args=[patient.code]),
        {"declaration": "emergency", "reason": "Patient inconscient aux urgences"},
    )

    summary = alice_client.get(reverse("patients:open", args=[patient.code]), follow=True)
    assert _lands_on(summary, "patients:summary", patient)
    assert "Accès en urgence (bris de glace)" in text(summary)
    trace = Trace.objects.get(action=Action.EMERGENCY_ACCESS)
    assert (
        trace.sentence == "a accédé au DMP en mode bris de glace (motif : Patient inconscient aux urgences)"
    )

    with time_machine.travel(timezone.now() + EMERGENCY_DURATION + timedelta(minutes=1)):
        login_verified(alice_client, alice, alice.cpscard_set.get())  # a new working day, a new login
        later = alice_client.get(reverse("patients:summary", args=[patient.code]))
    assert later["Location"] == reverse("patients:authorization", args=[patient.code])


@pytest.mark.django_db
def test_a_care_team_member_opens_without_declaring(alice_client, alice, patient):
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)

    response = alice_client.get(reverse("patients:open", args=[patient.code]), follow=True)

    assert _lands_on(response, "patients:summary", patient)
    assert "Membre de l'équipe de soins" in text(response)
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_finished_stay_no_longer_makes_a_care_team(alice_client, alice, patient):
    today = timezone.localdate()
    CareStayFactory(
        patient=patient,
        establishment=alice.practices.get().establishment,
        started_on=today - timedelta(days=30),
        ended_on=today - timedelta(days=1),
    )

    response = alice_client.get(reverse("patients:open", args=[patient.code]))

    assert response["Location"] == reverse("patients:authorization", args=[patient.code])


@pytest.mark.django_db
def test_the_attending_physician_is_in_the_care_team(client, patient):
    doctor = ProfessionalFactory(profession_id="10")
    patient.dmp_attending_physicians.add(doctor)
    login_verified(client, doctor, CPSCardFactory(user=doctor))

    response = client.get(reverse("patients:open", args=[patient.code]), follow=True)

    assert _lands_on(response, "patients:summary", patient)
    assert "Membre de l'équipe de soins (consentement présumé)" in text(response)
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_blocked_professional_is_refused_even_after_declaring(alice_client, alice, patient):
    _declare_consent(alice_client, patient)
    Block.objects.create(patient=patient, professional=alice)

    response = alice_client.get(reverse("patients:summary", args=[patient.code]))
    authorization_page = alice_client.get(reverse("patients:authorization", args=[patient.code]))

    assert response.status_code == 403
    assert "Le patient a bloqué votre accès à son DMP." in text(response)
    assert authorization_page.status_code == 403


@pytest.mark.django_db
def test_a_closed_dmp_opens_to_nobody(alice_client, alice):
    patient = PatientFactory(
        dmp_status=DMPStatus.CLOSED, closed_on=timezone.localdate(), closing_reason="Décès"
    )
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)

    response = alice_client.get(reverse("patients:open", args=[patient.code]))

    assert response.status_code == 403
    assert "Le DMP de ce patient est fermé." in text(response)


@pytest.mark.django_db
def test_after_six_months_without_access_the_professional_declares_again(alice_client, alice, patient):
    _declare_consent(alice_client, patient)
    alice_client.get(reverse("patients:open", args=[patient.code]))

    with time_machine.travel(timezone.now() + timedelta(days=200)):
        login_verified(alice_client, alice, alice.cpscard_set.get())
        response = alice_client.get(reverse("patients:summary", args=[patient.code]))

    assert response["Location"] == reverse("patients:authorization", args=[patient.code])


@pytest.mark.django_db
def test_withdrawing_takes_effect_on_the_very_next_request(alice_client, alice, patient):
    _declare_consent(alice_client, patient)
    alice_client.get(reverse("patients:open", args=[patient.code]))

    response = alice_client.post(reverse("patients:withdraw", args=[patient.code]))

    assert response["Location"] == reverse("patients:my_patients")
    next_request = alice_client.get(reverse("patients:summary", args=[patient.code]))
    assert next_request["Location"] == reverse("patients:authorization", args=[patient.code])
    assert Trace.objects.filter(action=Action.AUTHORIZATION_WITHDRAWN, actor=alice).count() == 1


@pytest.mark.django_db
def test_withdrawing_by_get_is_refused(alice_client, patient):
    _declare_consent(alice_client, patient)

    assert alice_client.get(reverse("patients:withdraw", args=[patient.code])).status_code == 405


@pytest.mark.django_db
def test_mes_patients_lists_authorized_patients_with_their_last_access(alice_client, alice, patient):
    other = PatientFactory(birth_name="Oublié")
    _declare_consent(alice_client, patient)
    alice_client.get(reverse("patients:open", args=[patient.code]))
    _declare_consent(alice_client, other)
    alice_client.get(reverse("patients:open", args=[other.code]))
    alice_client.post(reverse("patients:withdraw", args=[other.code]))

    body = text(alice_client.get(reverse("patients:my_patients")))

    assert "M. LE QUINIO PIERRE" in body
    assert "OUBLIÉ" not in body
    assert timezone.localtime().strftime("%d/%m/%Y") in body


@pytest.mark.django_db
def test_mes_patients_query_count_does_not_grow_with_patients(
    alice_client, alice, django_assert_max_num_queries
):
    for _ in range(8):
        patient = PatientFactory()
        _declare_consent(alice_client, patient)
        alice_client.get(reverse("patients:open", args=[patient.code]))

    with django_assert_max_num_queries(12):
        response = alice_client.get(reverse("patients:my_patients"))
    assert text(response).count("Dernier accès") == 1
    assert len(response.context["authorized"]) == 8


@pytest.mark.django_db
def test_the_information_tab_shows_the_ins_identity(alice_client, patient):
    _declare_consent(alice_client, patient)

    body = text(alice_client.get(reverse("patients:information", args=[patient.code])))

    assert patient.ins in body
    assert "Identité qualifiée" in body
    assert f"{patient.ins}@patient.mssante.fr" in body


@pytest.mark.django_db
def test_the_management_tab_lists_the_care_team_and_authorizations(alice_client, alice, patient):
    doctor = ProfessionalFactory(profession_id="10", last_name="Traitant")
    patient.dmp_attending_physicians.add(doctor)
    _declare_consent(alice_client, patient)

    body = text(alice_client.get(reverse("patients:management", args=[patient.code])))

    assert "TRAITANT" in body
    assert alice.display_name in body
    assert "Retirer mon autorisation" in body
