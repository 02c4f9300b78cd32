"""The guided scenario ticks each step from its trace, and from nothing else."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action
from audit.services import record
from patients.models import Patient, Sandbox
from tests.factories import DocumentFactory, DocumentTypeFactory, PatientFactory, ProfessionalFactory
from workshop.models import Trainee, WorkshopSession
from workshop.progress import STEPS, progress_for, progress_of_user
from workshop.services import workshop_trainee_reset

IDENTITY_SEARCH = "Recherche par critères d'identité (nom de naissance, date de naissance) : 1 résultat(s)"


def _trainees(session: WorkshopSession) -> list[Trainee]:
    return list(session.trainees.select_related("user", "session"))


def _patient(trainee: Trainee) -> Patient:
    return Patient.objects.filter(sandbox=trainee.sandbox).first()


def _trace(actor, action: Action, *, patient=None, document=None, details: str = "") -> None:
    with transaction.atomic():
        record(actor=actor, action=action, patient=patient, document=document, details=details)


def _medication_review(patient: Patient, *, mime_type: str = "application/pdf", code: str = "56445-0"):
    return DocumentFactory(patient=patient, document_type=DocumentTypeFactory(code=code), mime_type=mime_type)


def _do(step: str, trainee: Trainee, patient: Patient | None = None) -> None:
    """Write the trace that doing `step` writes, as the portal's views do."""
    user, patient = trainee.user, patient or _patient(trainee)
    match step:
        case "login":
            _trace(user, Action.LOGIN, details="e-CPS")
        case "search":
            _trace(user, Action.PATIENT_SEARCHED, details=IDENTITY_SEARCH)
        case "consent":
            _trace(user, Action.AUTHORIZATION_DECLARED, patient=patient)
        case "grid":
            _trace(user, Action.CARE_PATHWAY_VIEWED, patient=patient)
        case "document":
            _trace(user, Action.DOCUMENT_VIEWED, patient=patient)
        case "upload":
            document = _medication_review(patient)
            _trace(user, Action.DOCUMENT_ADDED, patient=patient, document=document)
        case "history":
            _trace(user, Action.HISTORY_VIEWED, patient=patient)


def _done(session: WorkshopSession, trainee: Trainee) -> set[str]:
    progress = {row.trainee.pk: row for row in progress_for(session, _trainees(session))}
    return set(progress[trainee.pk].done_at)


@pytest.mark.parametrize("step", [step.key for step in STEPS])
def test_each_step_ticks_from_its_own_trace_and_only_that_step(workshop_session, step):
    pharmacist, preparer = _trainees(workshop_session)
    assert _done(workshop_session, pharmacist) == set()

    _do(step, pharmacist)

    assert _done(workshop_session, pharmacist) == {step}
    assert _done(workshop_session, preparer) == set()  # another trainee's trace ticks nothing for them


def test_a_document_saved_as_a_file_is_opened_too(workshop_session):
    # "Télécharger" (and "Consulter" on an RTF or a TIFF) is traced as a download.
    pharmacist, _ = _trainees(workshop_session)

    _trace(pharmacist.user, Action.DOCUMENT_DOWNLOADED, patient=_patient(pharmacist))

    assert _done(workshop_session, pharmacist) == {"document"}


@pytest.mark.parametrize("step", ["consent", "grid", "document", "upload", "history"])
def test_a_trace_on_another_sandboxs_or_the_portals_patient_ticks_nothing(workshop_session, step):
    pharmacist, preparer = _trainees(workshop_session)

    _do(step, pharmacist, patient=_patient(preparer))
    _do(step, pharmacist, patient=PatientFactory())

    assert _done(workshop_session, pharmacist) == set()


@pytest.mark.parametrize("step", ["login", "search", "upload"])  # no patient, or the old sandbox's
def test_a_step_done_before_the_reset_is_to_do_again_after_it(workshop_session, step):
    pharmacist, _ = _trainees(workshop_session)
    _do(step, pharmacist)
    Sandbox.objects.filter(pk=pharmacist.sandbox.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )  # the step was done a while after the sandbox was made, then the trainer reset it

    workshop_trainee_reset(trainee=pharmacist, by=None)

    assert _done(workshop_session, pharmacist) == set()
    _do(step, pharmacist)
    assert _done(workshop_session, pharmacist) == {step}


@pytest.mark.parametrize(
    ("action", "details"),
    [
        (Action.LOGIN, "Carte CPS"),  # the card, not the e-CPS
        (Action.LOGIN_FAILED, "e-CPS"),
        (Action.PATIENT_SEARCHED, "Recherche par matricule INS : DMP trouvé"),
        (Action.PATIENT_SEARCHED, "carte Vitale"),
        (Action.PATIENT_SEARCHED, "Recherche par critères d'identité (nom de naissance) : 0 résultat(s)"),
    ],
)
def test_a_trace_of_the_wrong_kind_ticks_neither_login_nor_search(workshop_session, action, details):
    pharmacist, _ = _trainees(workshop_session)

    _trace(pharmacist.user, action, details=details)

    assert _done(workshop_session, pharmacist) == set()


@pytest.mark.parametrize(
    ("mime_type", "code"),
    [("text/plain", "56445-0"), ("application/pdf", "11488-4")],
    ids=["not-a-pdf", "another-type"],
)
def test_only_a_medication_review_pdf_ticks_the_upload_step(workshop_session, mime_type, code):
    pharmacist, _ = _trainees(workshop_session)
    patient = _patient(pharmacist)
    document = _medication_review(patient, mime_type=mime_type, code=code)

    _trace(pharmacist.user, Action.DOCUMENT_ADDED, patient=patient, document=document)

    assert _done(workshop_session, pharmacist) == set()


def test_an_emergency_access_is_not_a_declared_consent(workshop_session):
    pharmacist, _ = _trainees(workshop_session)

    _trace(pharmacist.user, Action.EMERGENCY_ACCESS, patient=_patient(pharmacist))

    assert _done(workshop_session, pharmacist) == set()


def test_the_progress_tells_the_current_step_and_when_the_last_one_was_done(workshop_session):
    pharmacist, _ = _trainees(workshop_session)
    _do("login", pharmacist)
    _do("search", pharmacist)

    progress = progress_for(workshop_session, [pharmacist])[0]

    assert progress.current.key == "consent"
    assert progress.done_count == 2
    assert progress.last_done_at == progress.done_at["search"]
    assert progress.minutes_since_last(progress.last_done_at + datetime.timedelta(minutes=12)) == 12


def test_the_care_team_scenario_has_no_consent_step(workshop_session):
    workshop_session.care_team_scenario = True
    pharmacist, _ = _trainees(workshop_session)

    progress = progress_for(workshop_session, [pharmacist])[0]

    assert "consent" not in [step.key for step, _ in progress.rows]


def test_a_trainee_of_an_ended_session_and_a_portal_professional_have_no_checklist(workshop_session):
    pharmacist, _ = _trainees(workshop_session)
    assert progress_of_user(pharmacist.user) is not None
    assert progress_of_user(ProfessionalFactory()) is None

    WorkshopSession.objects.filter(pk=workshop_session.pk).update(ended_at=timezone.now())

    assert progress_of_user(pharmacist.user) is None


def _many_trainees(session: WorkshopSession, count: int) -> list[Trainee]:
    """`count` trainees with an empty sandbox each, and a trace for most steps (no copy of the demo
    patients: the query count does not depend on them)."""
    trainees = []
    for position in range(1, count + 1):
        user = ProfessionalFactory()
        trainee = Trainee.objects.create(
            session=session, user=user, profession="pharmacien", position=position
        )
        sandbox = Sandbox.objects.create(label=f"Poste {position}", trainee=user)
        patient = PatientFactory(sandbox=sandbox)
        for step in ("login", "search", "consent", "upload"):
            _do(step, trainee, patient)
        trainees.append(trainee)
    return trainees


def test_a_whole_sessions_progress_takes_one_query_for_one_trainee_or_forty(trainer):
    session = WorkshopSession.objects.create(
        name="Grande session", date=datetime.date(2026, 3, 12), trainer=trainer
    )
    trainees = _many_trainees(session, WorkshopSession.MAX_TRAINEES)

    with CaptureQueriesContext(connection) as one:
        progress_for(session, trainees[:1])
    with CaptureQueriesContext(connection) as forty:
        progress = progress_for(session, trainees)

    assert len(one) == len(forty) == 1
    assert all(row.done_count == 4 for row in progress)
