"""The demo's ready workshop: a trainer account and one session of three trainees (seed_demo).

The trainer is a fictive professional (card + PIN 1234, documented e-CPS secret, README.md "Atelier
de formation") with the trainer permission. The session is made once by the workshop's own
service; `seed_demo --reset` resets its sandboxes (archived, fresh copies) instead of touching the
shared demo patients, so no reset piles traces on them.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import CardType, Civility, PracticeMode, User
from workshop.demo import DemoLogin, DemoProfessional, seed_professional, with_luhn_key
from workshop.models import Trainee, TraineeProfession, WorkshopSession
from workshop.roles import TRAINER_PERMISSION
from workshop.services import workshop_session_create, workshop_session_reset

TRAINER = DemoProfessional(
    rpps=with_luhn_key("1099000007"),
    civility=Civility.MME,
    first_name="Hélène",
    last_name="Schmitt",
    profession="21",
    card_type=CardType.CPS,
    card_number="2601000007",
    establishment=with_luhn_key("67099001"),  # CH Sainte-Odile
    practice_setting="ETABLISSEMENT",
    mode=PracticeMode.SALARIE,
    role="Pharmacienne, formatrice de l'atelier DMP (ARS Grand Est)",
    email="helene.schmitt@ch-sainte-odile.test",
    mobile="06 00 00 00 07",
)
DEMO_SESSION_NAME = "Atelier de démonstration"
DEMO_TRAINEES = [TraineeProfession.PHARMACIEN, TraineeProfession.PREPARATEUR, TraineeProfession.INTERNE]


@dataclass(frozen=True)
class DemoWorkshop:
    trainer: DemoLogin
    session: WorkshopSession
    trainees: list[Trainee]


def seed_demo_workshop(*, reset: bool = False) -> DemoWorkshop:
    """The trainer (refreshed like the other demo accounts) and the demo session: created when
    missing (or ended), its sandboxes reset with `reset`."""
    login = seed_professional(TRAINER)
    trainer = User.objects.get(rpps=TRAINER.rpps)
    app_label, codename = TRAINER_PERMISSION.split(".")
    trainer.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    session = WorkshopSession.objects.filter(
        trainer=trainer, name=DEMO_SESSION_NAME, ended_at__isnull=True
    ).first()
    if session is None:
        session = workshop_session_create(
            trainer=trainer, name=DEMO_SESSION_NAME, on=timezone.localdate(), professions=list(DEMO_TRAINEES)
        )
    elif reset:
        workshop_session_reset(session=session, by=None)
    trainees = list(session.trainees.select_related("user__profession").order_by("position"))
    return DemoWorkshop(trainer=login, session=session, trainees=trainees)
