"""An administrator's reads of a patient's documents and history: traced in the patient's chain,
shown in the patient's "Historique des accès"; lists name no patient and show no clinical content."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Action, Trace
from audit.services import ADMINISTRATOR_LABEL
from tests.factories import CareStayFactory, DocumentFactory, PatientFactory, VaccinationFactory
from tests.helpers import login_verified, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(alice):
    """In care at Alice's hospital: she reads the history with presumed consent."""
    patient = PatientFactory(birth_name="Riehl", first_name="Martine")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


@pytest.fixture
def masked(patient):
    return DocumentFactory(
        patient=patient,
        title="Consultation de suivi : syndrome anxio-dépressif",
        comment="Commentaire clinique",
        masked_to_professionals=True,
    )


def _admin_traces(patient, admin_user) -> list[str]:
    return list(
        Trace.objects.filter(patient=patient, actor=admin_user)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_admin_read_of_a_document_appears_in_the_patients_history(
    admin_client, admin_user, alice, alice_card, patient, masked
):
    page = admin_client.get(reverse("admin:documents_document_change", args=[masked.pk]))
    assert "syndrome anxio-dépressif" in text(page)

    alice_client = login_verified(Client(), alice, alice_card)
    history = text(alice_client.get(reverse("patients:history", args=[patient.code])))

    assert f"{admin_user.display_name} ({ADMINISTRATOR_LABEL})" in history
    # Alice may not see the masked document: she reads that it was read, not its title.
    assert "a consulté depuis l'administration un document" in history
    assert "syndrome anxio-dépressif" not in history
    trace = Trace.objects.get(patient=patient, actor=admin_user)
    assert trace.action == Action.ADMIN_DOCUMENT_VIEWED
    assert trace.document_code == masked.code
    assert trace.chain == f"patient:{patient.pk}"


def test_every_detail_page_of_a_patients_data_is_traced(admin_client, admin_user, alice, patient, masked):
    vaccination = VaccinationFactory(patient=patient)
    pages = [
        (reverse("admin:patients_patient_change", args=[patient.pk]), Action.ADMIN_RECORD_VIEWED),
        (
            reverse("admin:documents_vaccination_change", args=[vaccination.pk]),
            Action.ADMIN_VACCINATIONS_VIEWED,
        ),
    ]
    for url, action in pages:
        assert admin_client.get(url).status_code == 200
        assert _admin_traces(patient, admin_user)[-1] == action

    first = Trace.objects.filter(patient=patient).earliest("pk")
    assert admin_client.get(reverse("admin:audit_trace_change", args=[first.pk])).status_code == 200
    assert _admin_traces(patient, admin_user)[-1] == Action.ADMIN_HISTORY_VIEWED


def test_lists_name_no_patient_and_show_no_title_or_comment(admin_client, admin_user, patient, masked):
    with_alice = Trace.objects.count()
    urls = [
        reverse("admin:documents_document_changelist"),
        reverse("admin:audit_trace_changelist"),
        reverse("admin:documents_vaccination_changelist"),
        reverse("admin:audit_notification_changelist"),
    ]
    VaccinationFactory(patient=patient)

    for url in urls:
        body = text(admin_client.get(url))
        assert "syndrome anxio-dépressif" not in body
        assert "Commentaire clinique" not in body
        assert "RIEHL" not in body

    assert Trace.objects.count() == with_alice  # browsing lists reads nobody's record


def test_a_list_narrowed_to_one_patient_by_ins_is_traced_once(admin_client, admin_user, patient, masked):
    admin_client.get(reverse("admin:documents_document_changelist"), {"q": patient.ins})
    admin_client.get(reverse("admin:audit_trace_changelist"), {"q": patient.ins})
    admin_client.get(reverse("admin:documents_vaccination_changelist"), {"q": patient.ins})

    assert _admin_traces(patient, admin_user) == [
        Action.ADMIN_DOCUMENTS_LISTED,
        Action.ADMIN_HISTORY_VIEWED,
        Action.ADMIN_VACCINATIONS_VIEWED,
    ]


@pytest.mark.parametrize("name", ["documents_document", "audit_trace", "documents_vaccination"])
def test_a_list_cannot_be_narrowed_to_a_patient_without_a_trace(
    admin_client, admin_user, patient, masked, name
):
    response = admin_client.get(reverse(f"admin:{name}_changelist"), {"patient__id__exact": patient.pk})

    assert response.status_code == 400
    assert _admin_traces(patient, admin_user) == []


def test_the_trace_list_shows_actions_without_document_titles(
    admin_client, alice, alice_card, patient, masked
):
    admin_client.get(reverse("admin:documents_document_change", args=[masked.pk]))

    body = text(admin_client.get(reverse("admin:audit_trace_changelist")))

    assert "a consulté depuis l'administration le document" in body
    assert "syndrome anxio-dépressif" not in body
