"""Create, reset and end a workshop session: trainee accounts and their sandboxes of patients.

- `workshop_session_create`: the trainees' professional accounts (fictive RPPS with a Luhn key,
  CPS card + the session's PIN, a confirmed e-CPS device whose secret the login sheet shows)
  and one sandbox per trainee holding fresh copies of the demo patients and their documents.
- `workshop_trainee_reset` / `workshop_session_reset`: archive the trainee's sandbox (its
  patients and traces are kept and stay verifiable; only the Django admin still reaches them)
  and give them a fresh one. Traces are never edited nor deleted.
- `workshop_session_end`: archive the sandboxes, deactivate the trainee accounts and their
  devices, and end their open sessions at once.

Each of these is traced in the same transaction, in the chain of whoever did it (`by`: the
trainer, or None for the portal's own commands, which trace in the system chain).

A trainee's sandbox is a bulk copy of the model sandbox (workshop/sandbox_copy.py), which the
demo builders (workshop/demo.py, workshop/demo_documents.py, called with the sandbox) fill
through the portal's own services once a day (`workshop_model`): seconds for 40 trainees instead
of seconds per trainee (bench/workshop_bench.py).
"""

import secrets
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import (
    CardType,
    CPSCard,
    ECPSDevice,
    Establishment,
    Practice,
    PracticeMode,
    PracticeSetting,
    Profession,
    User,
    pin_validator,
)
from audit.models import Action
from audit.services import record
from patients.models import CareStay, Patient, Sandbox
from workshop.demo import RICH_RECORD, ensure_dataset_professionals, seed_patients, with_luhn_key
from workshop.demo_documents import seed_documents
from workshop.models import Trainee, TraineeProfession, WorkshopSession
from workshop.sandbox_copy import MODEL_SANDBOX_LABEL, files_removed_on_failure, model_sandboxes, sandbox_copy

# Trainees' fictive numbers: RPPS "19" + an 8-digit sequence + Luhn key. Real RPPS numbers start
# with "10" and the demo's are 10990000xx: the ranges never meet. Cards: "29" + the same sequence
# (the demo's are 2601xxxxxx).
TRAINEE_RPPS_PREFIX = "19"
TRAINEE_CARD_PREFIX = "29"
SEQUENCE_DIGITS = 8

# The trainees' establishment: not one of the demo's, so that no trainee is in a demo patient's
# care team unless the session's "équipe de soins" scenario puts them there.
TRAINING_CENTRE = ("67099900", "Centre de formation DMP — ARS Grand Est", "Strasbourg")


@dataclass(frozen=True)
class ProfessionProfile:
    """What a trainee profession becomes in the directory: TRE_G15 code, card, specialty, role."""

    code: str
    card_type: str
    role: str
    specialty: str = ""


PROFILES: dict[str, ProfessionProfile] = {
    TraineeProfession.PHARMACIEN: ProfessionProfile("21", CardType.CPS, "Pharmacien"),
    TraineeProfession.PREPARATEUR: ProfessionProfile("38", CardType.CPS, "Préparateur en pharmacie"),
    TraineeProfession.INTERNE: ProfessionProfile("21", CardType.CPF, "Interne en pharmacie"),
    TraineeProfession.INFIRMIER: ProfessionProfile("60", CardType.CPS, "Infirmier"),
    TraineeProfession.MEDECIN: ProfessionProfile(
        "10", CardType.CPS, "Médecin généraliste", "Médecine générale"
    ),
    TraineeProfession.SAGE_FEMME: ProfessionProfile("50", CardType.CPS, "Sage-femme"),
}


class WorkshopError(Exception):
    """A refusal to show the trainer, in French (nothing was changed)."""


def active_sandboxes(trainees: list[Trainee]) -> dict[int, Sandbox]:
    """Each trainee's active sandbox, by user id (one query)."""
    return {
        sandbox.trainee_id: sandbox
        for sandbox in Sandbox.objects.filter(
            trainee__in=[trainee.user_id for trainee in trainees], archived_at__isnull=True
        )
    }


def target_patient(sandbox: Sandbox) -> Patient:
    """The patient every trainee looks for (the slides' rich record), in this sandbox."""
    return Patient.objects.get(sandbox=sandbox, ins=RICH_RECORD.ins)


# The model sandbox --------------------------------------------------------------------------------


def workshop_model() -> Sandbox:
    """The model sandbox every trainee's is copied from: built on the first use of the day.

    Daily, because the dataset is relative to the day it is seeded: the document "non visible par
    le patient" is dated that day and becomes visible to the patient a month later (the copies
    keep the model's dates)."""
    model = model_sandboxes().order_by("-created_at", "-pk").first()
    if model is None or timezone.localdate(model.created_at) < timezone.localdate():
        return workshop_model_build()
    return model


def workshop_model_build() -> Sandbox:
    """(Re)build the model sandbox from the dataset through the portal's services (seconds): the
    previous one is archived, never deleted (its documents' traces name its patients).
    seed_demo --reset calls it, so a changed dataset reaches the next sandboxes."""
    with transaction.atomic():
        ensure_dataset_professionals()
        _archive(model_sandboxes())
        sandbox = Sandbox.objects.create(label=MODEL_SANDBOX_LABEL)
        seed_patients(sandbox)
    seed_documents(sandbox)  # each document in its own transaction (workshop/demo_documents.py)
    return sandbox


# Create ------------------------------------------------------------------------------------------


# Who acted, in the trace, when no one is logged in: `manage.py workshop_reset` and the demo seed.
COMMAND_LABEL = "Administration du portail (ligne de commande)"


def _trace(
    action: Action, session: WorkshopSession, *, by: User | None, request: HttpRequest | None, what: str = ""
) -> None:
    details = f"« {session.name} » du {session.date:%d/%m/%Y}" + (f", {what}" if what else "")
    record(
        actor=by,
        action=action,
        details=details,
        actor_label="" if by else COMMAND_LABEL,
        request=request,
    )


def workshop_session_create(
    *,
    trainer: User,
    name: str,
    on: date,
    professions: list[str],
    care_team_scenario: bool = False,
    request: HttpRequest | None = None,
) -> WorkshopSession:
    """A session with one trainee per entry of `professions` (1 to 40), each with a fresh sandbox."""
    if not 1 <= len(professions) <= WorkshopSession.MAX_TRAINEES:
        raise WorkshopError(f"Une session compte de 1 à {WorkshopSession.MAX_TRAINEES} stagiaires.")
    if unknown := set(professions) - set(TraineeProfession.values):
        raise WorkshopError(f"Profession inconnue : {', '.join(sorted(unknown))}.")
    model = workshop_model()
    with files_removed_on_failure() as stored, transaction.atomic():
        session = WorkshopSession.objects.create(
            name=name, date=on, trainer=trainer, care_team_scenario=care_team_scenario
        )
        centre = _training_centre()
        first = _next_sequence()
        pin = SessionPin.draw()
        for position, profession in enumerate(professions, start=1):
            sequence = first + position - 1
            trainee = _create_trainee(
                session, position, profession, sequence=sequence, centre=centre, pin=pin
            )
            _fresh_sandbox(trainee, model, stored)
        _trace(
            Action.WORKSHOP_SESSION_CREATED,
            session,
            by=trainer,
            request=request,
            what=f"{len(professions)} stagiaire(s)",
        )
    return session


def _training_centre() -> Establishment:
    finess, name, city = TRAINING_CENTRE
    centre, _ = Establishment.objects.get_or_create(
        finess=with_luhn_key(finess), defaults={"name": name, "city": city}
    )
    return centre


def _next_sequence() -> int:
    """The next free number of the trainees' range (the unique RPPS and card numbers guard a race)."""
    highest = User.objects.filter(rpps__startswith=TRAINEE_RPPS_PREFIX).aggregate(Max("rpps"))["rpps__max"]
    if highest is None:
        return 1
    return int(highest[len(TRAINEE_RPPS_PREFIX) : len(TRAINEE_RPPS_PREFIX) + SEQUENCE_DIGITS]) + 1


@dataclass(frozen=True)
class SessionPin:
    """The code porteur of a session's cards: drawn and hashed once per session.

    Hashing is deliberately slow (PBKDF2, ~0.5 s here): one hash per trainee made a 40-trainee
    session take half a minute. The PIN is printed on every sheet of the session anyway, and
    what protects a card is its three-attempt lock (accounts.models.CPSCard), not the hash: a
    4-digit PIN falls to an offline search whatever the hasher.
    """

    pin: str
    pin_hash: str

    @classmethod
    def draw(cls) -> "SessionPin":
        pin = f"{secrets.randbelow(10_000):04d}"
        pin_validator(pin)
        return cls(pin, make_password(pin))


def _create_trainee(
    session: WorkshopSession,
    position: int,
    profession: str,
    *,
    sequence: int,
    centre: Establishment,
    pin: SessionPin,
) -> Trainee:
    profile = PROFILES[profession]
    rpps = with_luhn_key(f"{TRAINEE_RPPS_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}")
    user = User(
        username=f"8{rpps}",
        rpps=rpps,
        first_name="Stagiaire",
        last_name=f"Poste {position}",
        profession=Profession.objects.get(code=profile.code),
        specialty=profile.specialty,
        card_type=profile.card_type,
        is_demo=True,  # fictive: the e-CPS simulator serves it like the demo accounts
        # e-CPS needs a contact in the directory (User.can_activate_ecps); never a real mailbox.
        email=f"poste-{position}.{rpps}@atelier.invalid",
    )
    user.set_unusable_password()
    user.save()
    setting = PracticeSetting.objects.get(code="ETABLISSEMENT")
    practice = Practice.objects.create(
        professional=user,
        establishment=centre,
        practice_setting=setting,
        mode=PracticeMode.SALARIE,
        role=profile.role,
    )
    user.default_practice = practice
    user.default_practice_setting = setting
    user.save(update_fields=["default_practice", "default_practice_setting"])
    CPSCard.objects.create(
        user=user,
        name=f"Carte {profile.card_type}",
        number=f"{TRAINEE_CARD_PREFIX}{sequence:0{SEQUENCE_DIGITS}d}",
        pin_hash=pin.pin_hash,
        confirmed=True,
    )
    ECPSDevice.objects.create(user=user, name="e-CPS", confirmed=True)  # random secret: on the sheet
    return Trainee.objects.create(
        session=session, user=user, profession=profession, position=position, pin=pin.pin
    )


def _fresh_sandbox(trainee: Trainee, model: Sandbox, stored: list[str]) -> Sandbox:
    """A new sandbox for the trainee: a copy of the model, plus the session's scenario."""
    session = trainee.session
    sandbox = Sandbox.objects.create(label=f"{session.name} — poste {trainee.position}", trainee=trainee.user)
    sandbox_copy(model, sandbox, stored=stored)
    if session.care_team_scenario:
        CareStay.objects.create(
            patient=target_patient(sandbox),
            establishment=trainee.user.default_practice.establishment,
            started_on=session.date,
        )
    return sandbox


# Reset -------------------------------------------------------------------------------------------


def workshop_trainee_reset(
    *, trainee: Trainee, by: User | None, request: HttpRequest | None = None
) -> Sandbox:
    """Archive the trainee's sandbox and give them a fresh copy of the dataset."""
    return _swap_sandboxes(
        trainee.session, [trainee], by=by, request=request, what=f"poste {trainee.position}"
    )[0]


def workshop_session_reset(
    *, session: WorkshopSession, by: User | None, request: HttpRequest | None = None
) -> list[Sandbox]:
    """Every trainee of the session back to the initial state, in one transaction."""
    trainees = list(session.trainees.select_related("session", "user"))
    return _swap_sandboxes(session, trainees, by=by, request=request, what="tous les postes")


def _swap_sandboxes(
    session: WorkshopSession,
    trainees: list[Trainee],
    *,
    by: User | None,
    request: HttpRequest | None,
    what: str,
) -> list[Sandbox]:
    model = workshop_model()
    with files_removed_on_failure() as stored, transaction.atomic():
        # Locked: two resets of one session run one after the other, never interleaved.
        session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        if session.is_ended:
            raise WorkshopError(
                "Cette session est terminée : ses bacs à sable ne peuvent plus être réinitialisés."
            )
        _archive(Sandbox.objects.filter(trainee__in=[trainee.user_id for trainee in trainees]))
        sandboxes = [_fresh_sandbox(trainee, model, stored) for trainee in trainees]
        _trace(Action.WORKSHOP_SANDBOXES_RESET, session, by=by, request=request, what=what)
        return sandboxes


def _archive(sandboxes: object) -> None:
    """Archived: kept with their patients and traces, reachable by no one but the Django admin."""
    sandboxes.filter(archived_at__isnull=True).update(archived_at=timezone.now())


# End ---------------------------------------------------------------------------------------------


@transaction.atomic
def workshop_session_end(
    *, session: WorkshopSession, by: User | None, request: HttpRequest | None = None
) -> WorkshopSession:
    """End the session: sandboxes archived, trainee accounts and devices disabled, sessions ended."""
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if session.is_ended:
        return session
    user_ids = list(session.trainees.values_list("user_id", flat=True))
    _archive(Sandbox.objects.filter(trainee__in=user_ids))
    get_user_model().objects.filter(pk__in=user_ids).update(is_active=False)
    CPSCard.objects.filter(user__in=user_ids).update(confirmed=False)
    ECPSDevice.objects.filter(user__in=user_ids).update(confirmed=False)
    end_open_sessions(user_ids)
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])
    _trace(Action.WORKSHOP_SESSION_ENDED, session, by=by, request=request)
    return session


def end_open_sessions(user_ids: list[int]) -> int:
    """Delete the Django sessions of these users (database session backend): they are logged out
    at their next request. Returns how many were ended.

    The session table has no user column, so each unexpired session is decoded; a workshop
    portal holds a few hundred at most. (Deactivating the account already refuses them at the
    next request, through ModelBackend.user_can_authenticate; this makes it immediate and final.)
    """
    wanted = {str(pk) for pk in user_ids}
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
