"""The "Historique de remboursement (CNAM-HR)" document: Assurance Maladie, the last 24 months."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Profession
from audit.models import Action, Trace
from documents.models import Document, DocumentSource
from documents.reimbursement import ReimbursementLine, reimbursement_history_create
from tests.factories import AuthorizationFactory, PatientFactory, PhysicianFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db

TODAY = date(2024, 3, 14)
LINES = [
    ReimbursementLine(date(2024, 2, 1), "Consultation de médecine générale", Decimal("18.20"), "Dr WENDLING"),
    ReimbursementLine(date(2022, 3, 14), "Radiographie du thorax", Decimal("17.29")),
    ReimbursementLine(date(2022, 3, 13), "Hors période", Decimal("99.00")),
]


def test_it_keeps_the_last_24_months_from_assurance_maladie():
    patient = PatientFactory()

    document = reimbursement_history_create(patient=patient, lines=LINES, today=TODAY)

    document.refresh_from_db()
    assert document.title == "Historique de remboursement (CNAM-HR)"
    assert document.source == DocumentSource.HEALTH_INSURANCE
    assert document.author is None and document.author_label == "Assurance Maladie"
    assert document.document_type.code == "REMB"
    assert document.document_type.rubrique_id == "remboursement"
    assert (document.event_start, document.event_end) == (date(2022, 3, 14), TODAY)
    assert "Période : du 14/03/2022 au 14/03/2024 (24 derniers mois)" in document.text
    assert (
        "01/02/2024 | Consultation de médecine générale — Dr WENDLING | remboursé : 18,20 €" in document.text
    )
    assert "Radiographie du thorax" in document.text
    assert "Hors période" not in document.text
    assert "Total remboursé sur la période : 35,49 €" in document.text
    trace = Trace.objects.get(patient=patient, action=Action.DOCUMENT_ADDED)
    assert trace.actor is None and trace.actor_label == "Assurance Maladie"


def test_professionals_allowed_by_the_matrix_see_it():
    patient = PatientFactory()
    physician = PhysicianFactory()
    AuthorizationFactory(patient=patient, professional=physician)
    technician = ProfessionalFactory(profession=Profession.objects.get(code="39"))
    AuthorizationFactory(patient=patient, professional=technician)

    document = reimbursement_history_create(patient=patient, lines=[], today=TODAY)

    assert "Aucun remboursement sur la période." in document.text
    assert Document.objects.visible_to(physician, patient).get() == document
    assert not Document.objects.visible_to(technician, patient).exists()
