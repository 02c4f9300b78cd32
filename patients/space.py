"""Mon espace santé: the patient's login (one-time code by email) and whose record a patient
session may look at. The only code that opens a patient session.

A patient logs in with their INS or their email address, then the code emailed to them
(patients.models.PatientEmailDevice). The first step answers the same whatever was typed, so the
page never tells whether an INS exists. Only the portal's own patients log in here: a workshop
sandbox's patients are reached through the workshop.

The session then holds the patient's id and the record chosen (their own, or that of a minor they
represent); `request.viewer` (accounts/viewer.py) carries both, and `space_for` turns them back
into rows on every request, refusing a record the person no longer represents.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from accounts import limits
from accounts.services import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from accounts.viewer import SESSION_PATIENT_PERSON, SESSION_PATIENT_RECORD, Viewer
from audit.models import Action, Trace
from audit.services import record
from patients.history import HistoryRow
from patients.ins import normalize_ins
from patients.models import PATIENT_CODE_VALIDITY_SECONDS, Patient, PatientEmailDevice

logger = logging.getLogger(__name__)

# The login in progress: which patient (None when nothing matched: same answer, no code) and since when.
SESSION_PENDING = "dmp_patient_pending"
SPACE_LABEL = "Mon espace santé"
PATIENT_SUFFIX = " (patient)"
REPRESENTATIVE_SUFFIX = " (représentant légal)"
# The simulation page shows the last code sent, in demo mode only (patients/space_views.py).
SESSION_DEMO_CODE_SENT = "dmp_patient_demo_code_sent"


def portal_patients() -> QuerySet[Patient]:
    """Patients who may log in here: the portal's own (never a sandbox's)."""
    return Patient.objects.filter(sandbox__isnull=True)


def find_patient(identifier: str) -> Patient | None:
    """The patient whose INS, or (only when it names one patient) email address, is `identifier`,
    if they may log in themselves: an adult. A minor's space is opened by their legal
    representative from their own (`choose_record`): the minor's code would go to the family's
    address, and whoever reads it would see, as the minor, the documents kept from the parents
    ("invisible aux représentants légaux")."""
    identifier = identifier.strip()
    if "@" in identifier:
        matches = list(portal_patients().filter(email__iexact=identifier)[:2])
        found = matches[0] if len(matches) == 1 else None
    else:
        found = portal_patients().filter(ins=normalize_ins(identifier)).first()
    return found if found is not None and not found.is_minor else None


def login_start(request: HttpRequest, *, identifier: str) -> None:
    """Send a code to the patient's email if `identifier` names one; answer the same otherwise."""
    patient = find_patient(identifier)
    request.session[SESSION_PENDING] = {"patient": patient.pk if patient else None, "at": time.time()}
    if patient is None or not patient.email:
        return
    device, _ = PatientEmailDevice.objects.get_or_create(patient=patient, defaults={"name": SPACE_LABEL})
    allowed, _ = device.generate_is_allowed()
    if not allowed:
        return  # a code was sent less than a minute ago: it is still the one to type
    device.cooldown_set(commit=False)
    device.throttle_reset(commit=False)
    device.generate_token(valid_secs=PATIENT_CODE_VALIDITY_SECONDS)
    message = EmailMessage(
        subject="Votre code de connexion à Mon espace santé",
        body=f"Bonjour,\n\nVotre code de connexion à Mon espace santé est : {device.token}\n"
        f"Il est valable {PATIENT_CODE_VALIDITY_SECONDS // 60} minutes et ne sert qu'une fois.\n\n"
        "Si vous n'avez pas demandé ce code, ignorez ce message.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
    )
    try:
        message.send()
    except Exception:  # a mail server down must not tell the visitor the INS exists
        logger.warning("Mon espace santé code not sent to patient %s", patient.pk)


def pending_patient(request: HttpRequest) -> Patient | None:
    """The patient whose code is awaited, if the first step was made less than the code's life ago."""
    pending = request.session.get(SESSION_PENDING) or {}
    if not pending.get("patient") or time.time() - pending.get("at", 0) > PATIENT_CODE_VALIDITY_SECONDS:
        return None
    return portal_patients().filter(pk=pending["patient"]).first()


def has_pending_login(request: HttpRequest) -> bool:
    return SESSION_PENDING in request.session


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    retry_after: timedelta | None = None  # set when this client typed too many wrong codes


def login_verify(request: HttpRequest, *, code: str) -> CodeCheck:
    """Check the code; on success open the patient session, traced.

    Two throttles. The device's own (PatientEmailDevice): the code is valid 5 minutes, once;
    each wrong code doubles the wait, the 5th voids it. The client's (accounts.limits, the
    database counters of the professionals' login: 10 wrong secrets per 15 minutes per session,
    30 per hour and 100 per day per address): someone trying codes for many patients in turn,
    each under its device's limit, is stopped there. A wrong code counts the same whether or
    not the INS typed first exists, so the counters tell nothing either."""
    with transaction.atomic():
        wait = limits.client_retry_after(request)
        if wait is not None:
            return CodeCheck(False, wait)
        patient = pending_patient(request)
        device = (
            PatientEmailDevice.objects.select_for_update().filter(patient=patient).first()
            if patient
            else None
        )
        if device is None or not device.verify_token(code.strip()):
            limits.add_client_failure(request)
            return CodeCheck(False)
        # A fresh session: a session id planted before the login is worth nothing after it.
        request.session.flush()
        now = time.time()
        request.session[SESSION_PATIENT_PERSON] = patient.pk
        request.session[SESSION_PATIENT_RECORD] = patient.pk
        request.session[SESSION_STARTED_AT] = now
        request.session[SESSION_LAST_SEEN_AT] = now
        record(
            actor=None,
            actor_label=actor_label(Viewer.patient_side(person_id=patient.pk, record_id=patient.pk), patient),
            patient=patient,
            action=Action.LOGIN,
            details=SPACE_LABEL,
            request=request,
        )
    return CodeCheck(True)


def represented_minors(person: Patient) -> list[Patient]:
    """The minors this person is the legal representative of (an adult is never acted for)."""
    return [p for p in portal_patients().filter(legal_representatives=person) if p.is_minor]


@dataclass(frozen=True)
class Space:
    person: Patient  # who is logged in
    record: Patient  # whose record they look at
    viewer: Viewer

    @property
    def is_representative(self) -> bool:
        return self.person.pk != self.record.pk


def space_for(viewer: Viewer) -> Space | None:
    """The rows behind a patient-side viewer, or None when the session names a record the person
    may not look at (another patient, an adult, someone they no longer represent)."""
    if not viewer.is_patient_side:
        return None
    person = portal_patients().filter(pk=viewer.person_id).first()
    if person is None:
        return None
    if viewer.record_id == person.pk:
        return Space(person, person, viewer)
    record_ = next((p for p in represented_minors(person) if p.pk == viewer.record_id), None)
    return Space(person, record_, viewer) if record_ else None


def choose_record(request: HttpRequest, *, person: Patient, code: str) -> bool:
    """A legal representative switches to a minor's space (or back to their own)."""
    choices = [person, *represented_minors(person)]
    chosen = next((p for p in choices if str(p.code) == code), None)
    if chosen is None:
        return False
    request.session[SESSION_PATIENT_RECORD] = chosen.pk
    return True


def actor_label(viewer: Viewer, person: Patient) -> str:
    """How the patient's own actions read in the history (both sides)."""
    suffix = (
        REPRESENTATIVE_SUFFIX
        if viewer.is_patient_side and viewer.person_id != viewer.record_id
        else PATIENT_SUFFIX
    )
    return f"{person.display_name}{suffix}"


def logout(request: HttpRequest, space: Space) -> None:
    with transaction.atomic():
        record(
            actor=None,
            actor_label=actor_label(space.viewer, space.person),
            patient=space.record,
            action=Action.LOGOUT,
            details=SPACE_LABEL,
            request=request,
        )
    request.session.flush()


def _patient_side_traces() -> Q:
    """The patient's own actions: written without a User, under their name and role."""
    return Q(actor__isnull=True) & (
        Q(actor_label__endswith=PATIENT_SUFFIX) | Q(actor_label__endswith=REPRESENTATIVE_SUFFIX)
    )


def traces_for(current: Space, *, mine: bool) -> QuerySet[Trace]:
    """ "Mes activités" (the patient's and their representative's actions) or "Professionnels"."""
    traces = Trace.objects.filter(patient=current.record)
    return traces.filter(_patient_side_traces()) if mine else traces.exclude(_patient_side_traces())


# "Mes activités" tells the patient's own actions to them: "Vous avez masqué le document …".
SECOND_PERSON = (("a ", "Vous avez "), ("s'est ", "Vous vous êtes "))


def in_own_words(current: Space, rows: list[HistoryRow]) -> list[HistoryRow]:
    """The rows of "Mes activités": the reader's own actions in the second person, the other
    patient-side actions (a representative's, or the minor's own) under their author's name."""
    own = actor_label(current.viewer, current.person)
    return [
        HistoryRow(row.trace, _second_person(row.sentence))
        if row.trace.actor_label == own
        else HistoryRow(row.trace, f"{row.trace.actor_label} {row.sentence}")
        for row in rows
    ]


def _second_person(sentence: str) -> str:
    for third, second in SECOND_PERSON:
        if sentence.startswith(third):
            return second + sentence.removeprefix(third)
    return f"Vous : {sentence}"
