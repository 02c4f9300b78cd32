"""A trainer's workshop session and its trainees, each working in their own sandbox of patients.

The sandboxes themselves are patients.Sandbox (patients must not import workshop, DESIGN.md §2):
a trainee's active sandbox is `Sandbox(trainee=trainee.user, archived_at=None)`, see
`Trainee.sandbox`. What creates, resets and ends them is workshop/services.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients.models import Sandbox


class TraineeProfession(models.TextChoices):
    """What a trainee practises as in the workshop, so that the habilitation differences show.

    The profession code (TRE_G15) and card type of each are in workshop/services.py.
    """

    PHARMACIEN = "pharmacien", "Pharmacien"
    PREPARATEUR = "preparateur", "Préparateur en pharmacie"
    INTERNE = "interne", "Interne en pharmacie (carte CPF)"
    INFIRMIER = "infirmier", "Infirmier"
    MEDECIN = "medecin", "Médecin généraliste"
    SAGE_FEMME = "sage_femme", "Sage-femme"


class WorkshopSessionQuerySet(models.QuerySet):
    def run_by(self, user: object) -> "WorkshopSessionQuerySet":
        """The sessions a trainer sees: their own; an administrator sees all."""
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(trainer=user)


class WorkshopSession(models.Model):
    """One run of the workshop: a trainer, a date, 1 to 40 trainees."""

    MAX_TRAINEES = 40

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom de la session", max_length=200)
    date = models.DateField("date")
    # PROTECT: a session's history names its trainer; accounts are deactivated, never deleted.
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="workshop_sessions", verbose_name="formateur"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    ended_at = models.DateTimeField("terminée le", null=True, blank=True)
    care_team_scenario = models.BooleanField(
        "scénario « équipe de soins »",
        default=False,
        help_text="Chaque stagiaire fait partie de l'équipe de soins du patient à rechercher "
        "(consentement présumé) au lieu de déclarer le consentement.",
    )

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session d'atelier"
        verbose_name_plural = "sessions d'atelier"
        ordering = ["-date", "-created_at"]
        permissions = [("run_workshop", "Peut animer un atelier de formation")]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d/%m/%Y})"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None


class Trainee(models.Model):
    """A trainee of one session: a fictive professional account made for it, never reused."""

    # CASCADE would drop the trainee list of a session; sessions are never deleted anyway.
    session = models.ForeignKey(
        WorkshopSession, models.PROTECT, related_name="trainees", verbose_name="session"
    )
    # PROTECT: the trainee's traces name this account.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="trainee", verbose_name="compte"
    )
    profession = models.CharField("profession", max_length=20, choices=TraineeProfession)
    position = models.PositiveSmallIntegerField("numéro du poste")
    # The session's code porteur (services.SessionPin), printed on the login sheet; hashed on the card.
    pin = models.CharField("code porteur", max_length=4)

    class Meta:
        verbose_name = "stagiaire"
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="workshop_trainee_one_per_position"),
            models.CheckConstraint(
                condition=Q(profession__in=TraineeProfession.values), name="workshop_trainee_profession_valid"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=WorkshopSession.MAX_TRAINEES),
                name="workshop_trainee_position_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Poste {self.position} — {self.user}"

    @property
    def sandbox(self) -> Sandbox | None:
        """The trainee's active sandbox (None once the session has ended)."""
        return Sandbox.objects.filter(trainee_id=self.user_id, archived_at__isnull=True).first()
