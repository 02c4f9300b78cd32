"""Document.objects.visible_to(viewer, patient): the access decision, then the habilitation matrix,
the confidentiality flags and the status, checked through lists, counts, the grid and the lookup a
download would do."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Profession
from documents.models import Document, DocumentStatus, DocumentType, Vaccination
from patients.access import Decision, Mode, decision_for
from patients.models import Block, DMPStatus
from tests.factories import (
    AdministratorFactory,
    AuthorizationFactory,
    CareStayFactory,
    DocumentFactory,
    DocumentTypeFactory,
    EstablishmentFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
    ProfessionalFactory,
    VaccinationFactory,
    set_habilitation,
)

pytestmark = pytest.mark.django_db

DISPENSATION = "60593-1"  # Traitements et soins: every persona's profession may read it by default
CONSULTATION = "11488-4"  # Comptes-rendus: not readable by pharmacy technicians by default


@pytest.fixture
def people():
    """A patient and everyone who may look at their DMP."""
    patient = PatientFactory()
    hospital = EstablishmentFactory()
    CareStayFactory(patient=patient, establishment=hospital)
    # author: physician of the hospital where the patient is in care (care team, presumed consent)
    author = PracticeFactory(professional=PhysicianFactory(), establishment=hospital).professional
    # attending: the patient's médecin traitant DMP
    attending = PhysicianFactory()
    patient.dmp_attending_physicians.add(attending)
    # other: a physician outside the care team who declared the patient's consent
    other = PhysicianFactory()
    AuthorizationFactory(patient=patient, professional=other)
    # pharmacist and technician (préparateur en pharmacie d'officine), consent declared
    pharmacist = ProfessionalFactory()
    AuthorizationFactory(patient=patient, professional=pharmacist)
    technician = ProfessionalFactory(profession=Profession.objects.get(code="39"))
    AuthorizationFactory(patient=patient, professional=technician)
    # the patient's legal representative (a parent)
    representative = PatientFactory()
    patient.legal_representatives.add(representative)
    return SimpleNamespace(
        patient=patient,
        author=author,
        attending=attending,
        other=other,
        pharmacist=pharmacist,
        technician=technician,
        representative=representative,
    )


def _document(people, *, type_code: str = DISPENSATION, **kwargs) -> Document:
    return DocumentFactory(
        patient=people.patient,
        author=people.author,
        document_type=DocumentTypeFactory(code=type_code),
        **kwargs,
    )


def _sees(viewer, patient, document: Document, **kwargs) -> bool:
    """Whether `viewer` sees `document`, asserting that the list, the count, the grid, the latest
    five and the download lookup all agree."""
    visible = Document.objects.visible_to(viewer, patient, **kwargs)
    in_list = document.pk in [d.pk for d in visible]
    counted = visible.count()
    grid = sum(cell["count"] for cell in visible.rubrique_year_counts())
    in_latest = document.pk in [d.pk for d in visible.latest_added()]
    downloadable = visible.filter(code=document.code).exists()
    assert counted == grid == len(list(visible))
    assert in_list == in_latest == downloadable
    return in_list


FLAGS = {
    "normal": {},
    "masked": {"masked_to_professionals": True},
    "hidden_from_patient": {"announcement": True},
    "hidden_from_legal_representatives": {"hidden_from_legal_representatives": True},
}
VIEWERS = ["author", "attending", "other", "pharmacist", "technician", "patient", "representative"]
EXPECTED = {
    "normal": set(VIEWERS),
    # "visible uniquement par son auteur et par le médecin traitant DMP" (and the patient's side)
    "masked": {"author", "attending", "patient", "representative"},
    "hidden_from_patient": {"author", "attending", "other", "pharmacist", "technician"},
    "hidden_from_legal_representatives": set(VIEWERS) - {"representative"},
}


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("flag", FLAGS)
def test_each_confidentiality_flag_for_each_viewer(people, flag, viewer):
    document = _document(people, **FLAGS[flag])
    _document(people, title="Un autre document, normal")

    assert _sees(getattr(people, viewer), people.patient, document) is (viewer in EXPECTED[flag])


def test_the_patient_sees_an_announced_document_from_its_visible_date(people):
    document = _document(people, announcement=True)
    visible_on = document.visible_to_patient_on

    for viewer in (people.patient, people.representative):
        assert not _sees(viewer, people.patient, document, today=visible_on - timedelta(days=1))
        assert _sees(viewer, people.patient, document, today=visible_on)
    # The professionals' count of documents the patient cannot see yet.
    assert Document.objects.visible_to(people.author, people.patient).hidden_from_patient_on().count() == 1
    assert not Document.objects.visible_to(people.author, people.patient).hidden_from_patient_on(visible_on)


def test_deleted_documents_are_shown_to_nobody(people):
    document = _document(people, status=DocumentStatus.DELETED)

    for viewer in VIEWERS:
        assert not _sees(getattr(people, viewer), people.patient, document), viewer


def test_archived_documents_stay_visible_and_flagged(people):
    document = _document(people, status=DocumentStatus.ARCHIVED)
    _document(people)

    for viewer in VIEWERS:
        assert _sees(getattr(people, viewer), people.patient, document), viewer
    visible = Document.objects.visible_to(people.other, people.patient)
    assert visible.get(code=document.code).is_archived
    assert visible.active().count() == 1
    assert visible.archived().count() == 1


# --- Habilitation matrix ----------------------------------------------------------------------


def test_the_default_matrix_hides_reports_from_pharmacy_technicians(people):
    document = _document(people, type_code=CONSULTATION)

    assert _sees(people.pharmacist, people.patient, document)
    assert not _sees(people.technician, people.patient, document)


@pytest.mark.parametrize("may_read", [True, False])
def test_a_matrix_cell_decides_for_its_profession(people, may_read):
    document = _document(people, type_code=CONSULTATION)
    set_habilitation("39", document.document_type, may_read=may_read)
    set_habilitation("21", document.document_type, may_read=not may_read)

    assert _sees(people.technician, people.patient, document) is may_read
    assert _sees(people.pharmacist, people.patient, document) is not may_read
    assert _sees(people.other, people.patient, document)  # physicians: untouched


def test_no_rule_means_no_access(people):
    document = _document(people)
    document.document_type.habilitations.filter(profession_id="21").delete()

    assert not _sees(people.pharmacist, people.patient, document)


@pytest.mark.parametrize(("profession_wide", "for_specialty"), [(True, False), (False, True)])
def test_a_specialty_rule_wins_over_the_profession_rule(people, profession_wide, for_specialty):
    document = _document(people, type_code=CONSULTATION)
    psychiatrist = PhysicianFactory(specialty="Psychiatrie")
    AuthorizationFactory(patient=people.patient, professional=psychiatrist)
    set_habilitation("10", document.document_type, may_read=profession_wide)
    set_habilitation("10", document.document_type, may_read=for_specialty, specialty="Psychiatrie")

    assert _sees(psychiatrist, people.patient, document) is for_specialty
    assert _sees(people.other, people.patient, document) is profession_wide


def test_a_specialty_without_its_own_rule_follows_the_profession(people):
    document = _document(people, type_code=CONSULTATION)
    cardiologist = PhysicianFactory(specialty="Cardiologie")
    AuthorizationFactory(patient=people.patient, professional=cardiologist)
    set_habilitation("10", document.document_type, may_read=False, specialty="Psychiatrie")

    assert _sees(cardiologist, people.patient, document)


def test_the_author_sees_their_document_whatever_the_matrix(people):
    set_habilitation("39", DocumentTypeFactory(code=CONSULTATION), may_read=False)
    document = DocumentFactory(
        patient=people.patient,
        author=people.technician,
        document_type=DocumentTypeFactory(code=CONSULTATION),
        masked_to_professionals=True,
    )

    assert _sees(people.technician, people.patient, document)


def test_the_attending_physician_still_needs_the_matrix(people):
    document = _document(people, masked_to_professionals=True)
    set_habilitation("10", document.document_type, may_read=False)

    assert not _sees(people.attending, people.patient, document)


def test_documents_of_a_technical_type_are_never_shown(people):
    document = _document(people, type_code="FEUILLE-DE-STYLE", title="Feuille de style")

    for viewer in VIEWERS:
        assert not _sees(getattr(people, viewer), people.patient, document), viewer


# --- The access decision comes first ----------------------------------------------------------


def test_without_a_decision_a_professional_sees_nothing(people):
    _document(people)
    stranger = PhysicianFactory()  # no consent, no care team

    assert not decision_for(stranger, people.patient).allowed
    assert Document.objects.visible_to(stranger, people.patient).count() == 0


def test_a_blocked_author_sees_nothing_not_even_their_own_documents(people):
    _document(people)
    Block.objects.create(patient=people.patient, professional=people.author)

    assert Document.objects.visible_to(people.author, people.patient).count() == 0


def test_a_closed_dmp_shows_nothing_to_professionals(people):
    _document(people)
    people.patient.dmp_status = DMPStatus.CLOSED
    people.patient.closed_on = timezone.localdate()
    people.patient.save()

    assert Document.objects.visible_to(people.author, people.patient).count() == 0
    assert Document.objects.visible_to(people.patient, people.patient).count() == 1


def test_an_expired_consent_shows_nothing(people):
    _document(people)
    people.other.authorizations.update(declared_at=timezone.now() - timedelta(days=200))

    assert Document.objects.visible_to(people.other, people.patient).count() == 0


def test_the_decision_given_by_the_view_is_used(people):
    _document(people)
    stranger = PhysicianFactory()
    decision = decision_for(people.other, people.patient)

    # The caller vouches that the decision is this viewer's: it is not asked again.
    assert Document.objects.visible_to(stranger, people.patient, decision=decision).count() == 1
    refused = decision_for(stranger, people.patient)
    assert Document.objects.visible_to(people.other, people.patient, decision=refused).count() == 0


@pytest.mark.parametrize("masked_allowed", [True, False])
def test_emergency_access_sees_masked_documents_only_if_the_patient_allowed_it(people, masked_allowed):
    people.patient.emergency_masked_allowed = masked_allowed
    people.patient.save()
    masked = _document(people, masked_to_professionals=True)
    emergency_physician = PhysicianFactory()
    AuthorizationFactory(patient=people.patient, professional=emergency_physician, emergency=True)

    assert _sees(emergency_physician, people.patient, masked) is masked_allowed
    assert _sees(people.other, people.patient, masked) is False  # consent, not emergency


@pytest.mark.parametrize("mode", [Mode.EMERGENCY, Mode.REGULATION])
@pytest.mark.parametrize("masked_allowed", [True, False])
def test_both_emergency_modes_follow_the_patients_choice_on_masked_documents(people, mode, masked_allowed):
    """Bris de glace and the SAMU's régulation alike (the decision as the view passes it)."""
    people.patient.emergency_masked_allowed = masked_allowed
    people.patient.save()
    masked = _document(people, masked_to_professionals=True)

    assert _sees(people.other, people.patient, masked, decision=Decision(mode=mode)) is masked_allowed
    assert _sees(people.other, people.patient, masked, decision=Decision(mode=Mode.CONSENT)) is False


def test_emergency_access_still_follows_the_matrix(people):
    people.patient.emergency_masked_allowed = True
    people.patient.save()
    document = _document(people, type_code=CONSULTATION, masked_to_professionals=True)
    AuthorizationFactory(patient=people.patient, professional=people.technician, emergency=True)

    assert not _sees(people.technician, people.patient, document)


# --- Other viewers ------------------------------------------------------------------------------


def test_another_patient_sees_nothing(people):
    _document(people)

    assert Document.objects.visible_to(PatientFactory(), people.patient).count() == 0


def test_the_patient_does_not_see_a_represented_childs_documents_as_their_own(people):
    # The representative relation goes one way: the child does not see the parent's documents.
    DocumentFactory(patient=people.representative)

    assert Document.objects.visible_to(people.patient, people.representative).count() == 0
    assert Document.objects.visible_to(people.representative, people.representative).count() == 1


@pytest.mark.parametrize("viewer", [AnonymousUser(), None, "admin"])
def test_non_professionals_see_nothing(people, viewer):
    _document(people)
    if viewer == "admin":
        viewer = AdministratorFactory()

    assert Document.objects.visible_to(viewer, people.patient).count() == 0


def test_a_non_professional_account_sees_nothing_even_with_a_favourable_decision_in_hand(people):
    """Defence in depth: a decision passed by mistake to an administrator's request opens nothing."""
    _document(people)
    VaccinationFactory(patient=people.patient, recorded_by=people.author)
    administrator = AdministratorFactory()
    granted = Decision(mode=Mode.CARE_TEAM)

    assert Document.objects.visible_to(administrator, people.patient, decision=granted).count() == 0
    assert Vaccination.objects.visible_to(administrator, people.patient, decision=granted).count() == 0
    assert Document.objects.in_grid_years_of(administrator, people.patient, decision=granted).years() == []


def test_documents_of_other_patients_never_leak(people):
    _document(people)
    other_patient = PatientFactory()
    DocumentFactory(patient=other_patient, author=people.author)

    assert Document.objects.visible_to(people.author, people.patient).count() == 1
    assert Document.objects.visible_to(people.patient, people.patient).count() == 1


# --- Carnet de vaccination ----------------------------------------------------------------------


def test_the_vaccination_book_follows_the_matrix_of_the_vaccination_history(people):
    VaccinationFactory(patient=people.patient, recorded_by=people.author)
    stranger = PhysicianFactory()

    def count(viewer) -> int:
        return Vaccination.objects.visible_to(viewer, people.patient).count()

    assert count(people.pharmacist) == 1  # pharmacists vaccinate: they read it by default
    assert count(people.technician) == 0
    assert count(people.patient) == count(people.representative) == 1
    assert count(stranger) == 0
    assert count(PatientFactory()) == 0
    set_habilitation("39", DocumentTypeFactory(code="11369-6"), may_read=True)
    assert count(people.technician) == 1


# --- The grid's years -------------------------------------------------------------------------


def _gives_a_year(viewer, patient, document: Document, **kwargs) -> bool:
    span = Document.objects.in_grid_years_of(viewer, patient, **kwargs)
    return document.document_date.year in span.years()


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("flag", FLAGS)
def test_a_confidential_document_gives_a_year_only_to_those_who_see_it(people, flag, viewer):
    """Masking and invisibility are secrets: a hidden document does not even give its year."""
    document = _document(people, document_date=date(2005, 6, 1), **FLAGS[flag])

    assert _gives_a_year(getattr(people, viewer), people.patient, document) is (viewer in EXPECTED[flag])


def test_a_document_only_the_matrix_hides_gives_its_year_and_nothing_else(people):
    """The slide's empty columns: the technician's profession does not read the report, yet the
    record's 2005 is a column for him (the matrix is a public rule, not the patient's secret)."""
    document = _document(people, type_code=CONSULTATION, document_date=date(2005, 6, 1))

    assert not _sees(people.technician, people.patient, document)
    assert _gives_a_year(people.technician, people.patient, document)


@pytest.mark.parametrize(
    "kwargs",
    [{"status": DocumentStatus.DELETED}, {"type_code": "TECH"}],
    ids=["deleted", "technical-type"],
)
def test_a_deleted_or_technical_document_gives_no_year(people, kwargs):
    if kwargs.get("type_code") == "TECH":
        kwargs = {"type_code": DocumentType.objects.filter(rubrique__isnull=True).first().code}
    document = _document(people, document_date=date(2005, 6, 1), **kwargs)

    for viewer in VIEWERS:
        assert not _gives_a_year(getattr(people, viewer), people.patient, document), viewer


def test_without_a_favourable_decision_there_are_no_years(people):
    document = _document(people, document_date=date(2005, 6, 1))
    stranger = PhysicianFactory()

    assert not _gives_a_year(stranger, people.patient, document)
    assert not _gives_a_year(PatientFactory(), people.patient, document)
    assert Document.objects.in_grid_years_of(None, people.patient).years() == []


def test_an_announced_document_gives_the_patient_its_year_from_its_visible_date(people):
    document = _document(people, announcement=True, document_date=date(2005, 6, 1))

    assert not _gives_a_year(people.patient, people.patient, document)
    assert _gives_a_year(people.patient, people.patient, document, today=document.visible_to_patient_on)


def test_the_grid_years_never_list_another_patients_documents(people):
    DocumentFactory(patient=PatientFactory(), author=people.author, document_date=date(2005, 6, 1))
    _document(people, document_date=date(2010, 6, 1))

    assert Document.objects.in_grid_years_of(people.author, people.patient).years() == [2010]
