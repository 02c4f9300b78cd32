"""The guided scenario: the slides' steps, each ticked from the access history, never by a click.

The traces (audit.Trace) are the one source of truth: a step is done when the trainee wrote the
trace that doing it writes. `STEPS` says, for each step, which trace that is; `progress_for`
reads a whole session's progress in one grouped query (the first time each step was done, per
trainee), whatever the number of trainees.

Only what the trainee did in their active sandbox counts: traces about a patient must name one
of its patients, and every trace must be newer than the sandbox. A reset makes a fresh sandbox,
so progress starts again with it; another trainee's traces, the portal's patients and the
archived sandbox's patients never tick anything.

Steps that need the patient space or the secure messaging (not built yet) are not listed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from audit.models import Action, Trace
from documents.models import Document
from patients.models import Sandbox
from patients.search import IDENTITY_SEARCH_DETAILS, NO_RESULT
from workshop.models import Trainee, WorkshopSession

MEDICATION_REVIEW_TYPE = "56445-0"  # Bilan médicamenteux (Officine), dmp_document_types.csv
PDF = "application/pdf"
ECPS_DEVICE_NAME = "e-CPS"  # the e-CPS device's name (workshop.services), the login trace's details

# The trace names a patient of the trainee's own active sandbox.
OWN_PATIENT = Q(patient__sandbox__trainee=F("actor"), patient__sandbox__archived_at__isnull=True)


@dataclass(frozen=True)
class Step:
    """One step of the scenario and the trace that ticks it."""

    key: str
    label: str  # the trainee's checklist, in the words of the login sheet
    short: str  # the dashboard's column header
    actions: tuple[Action, ...]  # any of them ticks the step (with the condition)
    condition: Q  # what else the trace says, over audit.Trace annotated by `_traces`

    @property
    def ticked_by(self) -> Q:
        return Q(action__in=self.actions) & self.condition


STEPS: tuple[Step, ...] = (
    Step(
        "login",
        "Se connecter avec l'application e-CPS",
        "Connexion e-CPS",
        (Action.LOGIN,),
        Q(details=ECPS_DEVICE_NAME),
    ),
    Step(
        "search",
        "Rechercher le patient par ses critères d'identité",
        "Recherche par identité",
        (Action.PATIENT_SEARCHED,),
        Q(details__startswith=IDENTITY_SEARCH_DETAILS) & ~Q(details__endswith=f": {NO_RESULT}"),
    ),
    Step(
        "consent",
        "Déclarer le consentement du patient",
        "Consentement",
        (Action.AUTHORIZATION_DECLARED,),
        OWN_PATIENT,
    ),
    Step(
        "grid",
        "Parcourir le parcours de soins (rubriques par année)",
        "Parcours de soins",
        (Action.CARE_PATHWAY_VIEWED,),
        OWN_PATIENT,
    ),
    Step(
        "document",
        "Ouvrir un document",
        "Document ouvert",
        # Shown in the browser or saved as a file: both open the document (an RTF or a TIFF is
        # always downloaded).
        (Action.DOCUMENT_VIEWED, Action.DOCUMENT_DOWNLOADED),
        OWN_PATIENT,
    ),
    Step(
        "upload",
        "Ajouter un « Bilan médicamenteux (Officine) » en PDF en choisissant sa confidentialité",
        "Bilan médicamenteux ajouté",
        (Action.DOCUMENT_ADDED,),
        Q(medication_review_pdf=True) & OWN_PATIENT,
    ),
    Step(
        "history",
        "Consulter l'historique des accès",
        "Historique des accès",
        (Action.HISTORY_VIEWED,),
        OWN_PATIENT,
    ),
)


def steps_for(session: WorkshopSession) -> tuple[Step, ...]:
    """The session's steps: in the "care team" scenario consent is presumed, nothing to declare."""
    if session.care_team_scenario:
        return tuple(step for step in STEPS if step.key != "consent")
    return STEPS


@dataclass(frozen=True)
class TraineeProgress:
    trainee: Trainee
    steps: tuple[Step, ...]
    done_at: dict[str, datetime.datetime]  # step key → when the trainee first did it

    @property
    def rows(self) -> list[tuple[Step, datetime.datetime | None]]:
        return [(step, self.done_at.get(step.key)) for step in self.steps]

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.key in self.done_at)

    @property
    def current(self) -> Step | None:
        """The first step not done yet: where the trainee is (or stuck); None when all are done."""
        return next((step for step in self.steps if step.key not in self.done_at), None)

    @property
    def last_done_at(self) -> datetime.datetime | None:
        return max(self.done_at.values(), default=None)

    def minutes_since_last(self, now: datetime.datetime) -> int | None:
        """Whole minutes since the last step done ("depuis 12 min")."""
        last = self.last_done_at
        return None if last is None else max(0, int((now - last).total_seconds() // 60))


def progress_for(session: WorkshopSession, trainees: list[Trainee]) -> list[TraineeProgress]:
    """Each trainee's progress, in one query whatever their number."""
    steps = steps_for(session)
    first_done = (
        _traces([trainee.user_id for trainee in trainees], steps)
        .values("actor_id")
        .annotate(**{step.key: Min("created_at", filter=step.ticked_by) for step in steps})
    )
    by_actor = {row.pop("actor_id"): row for row in first_done}
    return [
        TraineeProgress(
            trainee=trainee,
            steps=steps,
            done_at={key: at for key, at in by_actor.get(trainee.user_id, {}).items() if at is not None},
        )
        for trainee in trainees
    ]


def progress_of_user(user: object) -> TraineeProgress | None:
    """The checklist of a trainee of a running session (None for anyone else): two queries."""
    trainee = (
        Trainee.objects.filter(user_id=getattr(user, "pk", None), session__ended_at__isnull=True)
        .select_related("session")
        .first()
    )
    if trainee is None:
        return None
    return progress_for(trainee.session, [trainee])[0]


def _traces(user_ids: list[int], steps: tuple[Step, ...]) -> QuerySet[Trace]:
    """The trainees' traces since their active sandbox was made, annotated for the predicates."""
    sandbox_start = Sandbox.objects.filter(trainee=OuterRef("actor"), archived_at__isnull=True).values(
        "created_at"
    )[:1]
    medication_review_pdf = Document.objects.filter(
        code=OuterRef("document_code"), document_type__code=MEDICATION_REVIEW_TYPE, mime_type=PDF
    )
    actions = {action for step in steps for action in step.actions}
    return (
        Trace.objects.filter(actor_id__in=user_ids, action__in=actions)
        .annotate(since=Subquery(sandbox_start), medication_review_pdf=Exists(medication_review_pdf))
        .filter(created_at__gte=F("since"))
    )
