"""Who is looking: one viewer resolved once per request (DESIGN.md §3), read as `request.viewer`.

Four kinds, deny by default:
- PROFESSIONAL: a django User with an RPPS, verified by CPS card or e-CPS (accounts.services);
- PATIENT: a patient logged in to Mon espace santé, looking at their own record;
- LEGAL_REPRESENTATIVE: the same kind of session, looking at the record of a minor they
  represent (Mme FISCHBACH choosing Nathan's space);
- ANONYMOUS: anyone else (an administrator's session included: the admin site is its own door).

Patients are not User rows: a patient session holds, after the one-time code, the patient's id
(`person_id`) and the record chosen (`record_id`). accounts sits below patients (DESIGN.md §2) and
cannot load a Patient, so the viewer carries ids only; the patients app turns them into rows and
checks, on every request, that the person still represents the record (patients/space.py), and
documents/visibility.py checks it again in its SQL. The professional's middleware refuses every
patient-side viewer and the patient space refuses every other one.
"""

import time
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.http import HttpRequest

from accounts.models import User
from accounts.services import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT

# Written by patients/space.py once the one-time code is right (never before).
SESSION_PATIENT_PERSON = "dmp_patient_person"
SESSION_PATIENT_RECORD = "dmp_patient_record"


class ViewerKind(Enum):
    ANONYMOUS = "anonymous"
    PROFESSIONAL = "professional"
    PATIENT = "patient"
    LEGAL_REPRESENTATIVE = "legal_representative"


PATIENT_SIDE = frozenset({ViewerKind.PATIENT, ViewerKind.LEGAL_REPRESENTATIVE})


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    user: User | None = None  # the professional
    person_id: int | None = None  # the patient logged in (the representative, for a minor's record)
    record_id: int | None = None  # the record they look at

    @property
    def is_professional(self) -> bool:
        return self.kind is ViewerKind.PROFESSIONAL

    @property
    def is_patient_side(self) -> bool:
        return self.kind in PATIENT_SIDE

    @classmethod
    def for_user(cls, user: object) -> "Viewer":
        """A professional, or nobody: an unverified or non-professional account sees nothing."""
        if isinstance(user, User) and user.is_authenticated and user.is_professional:
            return cls(ViewerKind.PROFESSIONAL, user=user)
        return ANONYMOUS

    @classmethod
    def patient_side(cls, *, person_id: int, record_id: int) -> "Viewer":
        kind = ViewerKind.PATIENT if person_id == record_id else ViewerKind.LEGAL_REPRESENTATIVE
        return cls(kind, person_id=person_id, record_id=record_id)


ANONYMOUS = Viewer(ViewerKind.ANONYMOUS)


def as_viewer(who: object) -> Viewer:
    """Call sites keep passing `request.user` (or the request's viewer): a Viewer stays itself,
    a User becomes a professional viewer or nobody."""
    return who if isinstance(who, Viewer) else Viewer.for_user(who)


def patient_session_alive(request: HttpRequest) -> bool:
    """The patient session's clocks, as for professionals: idle 15 min, 12 h at most."""
    now = time.time()
    started = request.session.get(SESSION_STARTED_AT)
    last_seen = request.session.get(SESSION_LAST_SEEN_AT)
    if started is None or last_seen is None:
        return False
    return (
        now - last_seen <= settings.DMP_SESSION_IDLE_TIMEOUT.total_seconds()
        and now - started <= settings.DMP_SESSION_MAX_AGE.total_seconds()
    )


def viewer_for(request: HttpRequest) -> Viewer:
    """The request's viewer: a verified professional, else a live patient session, else nobody."""
    user = request.user
    if user.is_authenticated:
        verified = getattr(user, "is_verified", lambda: False)()
        return Viewer.for_user(user) if verified else ANONYMOUS
    person = request.session.get(SESSION_PATIENT_PERSON)
    record = request.session.get(SESSION_PATIENT_RECORD, person)
    if isinstance(person, int) and isinstance(record, int):
        return Viewer.patient_side(person_id=person, record_id=record)
    return ANONYMOUS
