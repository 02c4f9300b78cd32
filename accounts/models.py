"""Who is there: professionals as the Annuaire santé knows them, their establishments,
their CPS cards, and the administrators (users without RPPS)."""

import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device, TimestampMixin, VerifyNotAllowed
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

rpps_validator = RegexValidator(r"^[0-9]{11}$", "Le numéro RPPS compte exactement 11 chiffres.")
finess_validator = RegexValidator(r"^[0-9]{2}[0-9AB][0-9]{6}$", "Le numéro FINESS compte 9 caractères.")
card_number_validator = RegexValidator(r"^[0-9]{10}$", "Le numéro de carte compte 10 chiffres.")
pin_validator = RegexValidator(r"^[0-9]{4}$", "Le code porteur compte 4 chiffres.")

PHYSICIAN_CODE = "10"


class Profession(models.Model):
    """A profession of the TRE_G15 list (accounts/reference/professions_TRE_G15.csv).

    Deprecated codes are kept: préparateurs en pharmacie (38, 39) still matter to the workshop.
    """

    code = models.CharField("code", max_length=2, primary_key=True)
    label = models.CharField("libellé", max_length=100)
    status = models.CharField("statut dans la TRE_G15", max_length=40)

    class Meta:
        ordering = ["label"]
        verbose_name = "profession"

    def __str__(self) -> str:
        return self.label


class PracticeSetting(models.Model):
    """A cadre d'exercice (TRE_A01) or non-professional producer (TRE_A00), from JDV_J04."""

    CADRE_SYSTEM = "TRE_A01-CadreExercice"

    code = models.CharField("code", max_length=20, primary_key=True)
    code_system = models.CharField("système de codes", max_length=40)
    label = models.CharField("libellé", max_length=100)

    class Meta:
        ordering = ["label"]
        verbose_name = "cadre d'exercice"
        verbose_name_plural = "cadres d'exercice"

    def __str__(self) -> str:
        return self.label


class Establishment(models.Model):
    """A structure where professionals practise, identified by its FINESS number."""

    finess = models.CharField("FINESS", max_length=9, unique=True, validators=[finess_validator])
    name = models.CharField("raison sociale", max_length=200)
    city = models.CharField("commune", max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = "établissement"

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class CardType(models.TextChoices):
    CPS = "CPS", "CPS — carte de professionnel de santé"
    CPF = "CPF", "CPF — carte de professionnel en formation"
    CPE = "CPE", "CPE — carte de personnel d'établissement"


class Civility(models.TextChoices):
    M = "M", "M."
    MME = "MME", "Mme"


class ProfessionalQuerySet(models.QuerySet):
    def professionals(self) -> "ProfessionalQuerySet":
        return self.filter(rpps__isnull=False)


class PortalUserManager(UserManager.from_queryset(ProfessionalQuerySet)):
    pass


class User(AbstractUser):
    """A professional (with RPPS, profession and card type) or an administrator (none of those).

    The directory fields mirror the Annuaire santé and are read-only for the professional:
    they change them with their order (or their employer, through RPPS+), not here.
    """

    rpps = models.CharField(
        "numéro RPPS", max_length=11, unique=True, null=True, blank=True, validators=[rpps_validator]
    )
    civility = models.CharField("civilité", max_length=3, choices=Civility, blank=True)
    # PROTECT: a profession code is reference data that professionals' history depends on.
    profession = models.ForeignKey(
        Profession, models.PROTECT, null=True, blank=True, verbose_name="profession"
    )
    specialty = models.CharField("spécialité (médecins)", max_length=100, blank=True)
    card_type = models.CharField("type de carte", max_length=3, choices=CardType, blank=True)
    mobile = models.CharField("téléphone mobile", max_length=20, blank=True)
    mssante_address = models.EmailField("adresse MSSanté", blank=True)
    # Defaults proposed when this professional adds a document; SET_NULL: only a preference.
    default_practice = models.ForeignKey(
        "Practice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="situation d'exercice par défaut",
    )
    default_practice_setting = models.ForeignKey(
        PracticeSetting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cadre d'exercice par défaut",
        limit_choices_to={"code_system": PracticeSetting.CADRE_SYSTEM},
    )
    # Fictive accounts made by seed_demo or the workshop: only these get the e-CPS simulator.
    is_demo = models.BooleanField("compte de démonstration", default=False)
    # Set when too many wrong e-CPS codes were typed (accounts.limits.ECPS_ACCOUNT); cleared only
    # by the professional after a CPS-card proof, or by an administrator (services.ecps_reactivate).
    ecps_suspended_at = models.DateTimeField("e-CPS suspendue le", null=True, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=Q(rpps__isnull=True) | Q(rpps__regex=r"^[0-9]{11}$"),
                name="accounts_user_rpps_11_digits",
            ),
            # A professional has all three directory keys; an administrator has none.
            models.CheckConstraint(
                condition=(Q(rpps__isnull=False, profession__isnull=False) & ~Q(card_type=""))
                | Q(rpps__isnull=True, profession__isnull=True, card_type=""),
                name="accounts_user_professional_identity_complete",
            ),
            models.CheckConstraint(
                condition=Q(card_type__in=["", *CardType.values]),
                name="accounts_user_card_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(specialty="") | Q(profession_id=PHYSICIAN_CODE),
                name="accounts_user_specialty_only_for_physicians",
            ),
        ]
        indexes = [
            # Directory search by name in the admin and, later, the Annuaire santé.
            models.Index(fields=["last_name", "first_name"], name="accounts_user_name_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_professional(self) -> bool:
        return self.rpps is not None

    @property
    def national_id(self) -> str:
        """idNat: "8" followed by the RPPS number, as in the CPS card and the DMP's traces."""
        return f"8{self.rpps}" if self.rpps else ""

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name.upper()}".strip()
        return name or self.get_username()

    @property
    def can_activate_ecps(self) -> bool:
        """e-CPS sends its activation to the email or mobile of the directory: one is needed."""
        return bool(self.email or self.mobile)


class PracticeMode(models.TextChoices):
    """Mode d'exercice (TRE_R23)."""

    LIBERAL = "L", "Libéral"
    SALARIE = "S", "Salarié"
    BENEVOLE = "B", "Bénévole"


class Practice(models.Model):
    """A situation d'exercice: where and how a professional practises (one per structure)."""

    # CASCADE: a situation is part of the professional's directory entry.
    professional = models.ForeignKey(
        User, models.CASCADE, related_name="practices", verbose_name="professionnel"
    )
    # PROTECT: documents will record the situation in which they were written.
    establishment = models.ForeignKey(
        Establishment, models.PROTECT, related_name="practices", verbose_name="établissement"
    )
    practice_setting = models.ForeignKey(
        PracticeSetting,
        models.PROTECT,
        verbose_name="cadre d'exercice",
        limit_choices_to={"code_system": PracticeSetting.CADRE_SYSTEM},
    )
    mode = models.CharField("mode d'exercice", max_length=1, choices=PracticeMode)
    role = models.CharField("fonction", max_length=100, blank=True)

    class Meta:
        verbose_name = "situation d'exercice"
        verbose_name_plural = "situations d'exercice"
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "establishment"], name="accounts_practice_one_per_structure"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=PracticeMode.values), name="accounts_practice_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        role = f"{self.role}, " if self.role else ""
        return f"{role}{self.get_mode_display().lower()} — {self.establishment}"


class CPSCard(TimestampMixin, Device):
    """A CPS (or CPF/CPE) smart card read by the simulated reader: number + 4-digit PIN.

    It is a django-otp device, so a session opened with the card is "verified" exactly like
    one opened with e-CPS. Three consecutive wrong PINs block the card until an administrator
    unblocks it, as a real card's chip does.
    """

    MAX_PIN_ATTEMPTS = 3

    number = models.CharField(
        "numéro de carte", max_length=10, unique=True, validators=[card_number_validator]
    )
    pin_hash = models.CharField("code porteur (haché)", max_length=128)
    failed_pin_attempts = models.PositiveSmallIntegerField("codes erronés consécutifs", default=0)
    blocked_at = models.DateTimeField("bloquée le", null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "carte CPS"
        verbose_name_plural = "cartes CPS"
        constraints = [
            models.CheckConstraint(
                condition=Q(failed_pin_attempts__lte=3),
                name="accounts_cpscard_attempts_at_most_3",
            ),
        ]

    def __str__(self) -> str:
        return f"Carte {self.number}"

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def remaining_attempts(self) -> int:
        return self.MAX_PIN_ATTEMPTS - self.failed_pin_attempts

    def set_pin(self, pin: str) -> None:
        pin_validator(pin)
        self.pin_hash = make_password(pin)

    def verify_is_allowed(self) -> tuple[bool, dict | None]:
        if self.is_blocked:
            return False, {"reason": "card_blocked"}
        return super().verify_is_allowed()

    def verify_token(self, token: str) -> bool:
        """Check the PIN and count the failure. The caller holds a row lock (see services)."""
        if not self.verify_is_allowed()[0]:
            return False
        if check_password(str(token), self.pin_hash):
            self.failed_pin_attempts = 0
            self.set_last_used_timestamp(commit=False)
            self.save(update_fields=["failed_pin_attempts", "last_used_at"])
            return True
        self.failed_pin_attempts += 1
        if self.failed_pin_attempts >= self.MAX_PIN_ATTEMPTS:
            # Unconfirmed, the card no longer verifies anything: django-otp's middleware drops
            # the sessions it had opened at their next request.
            self.blocked_at = timezone.now()
            self.confirmed = False
        self.save(update_fields=["failed_pin_attempts", "blocked_at", "confirmed"])
        return False

    def unblock(self) -> None:
        self.failed_pin_attempts = 0
        self.blocked_at = None
        self.confirmed = True
        self.save(update_fields=["failed_pin_attempts", "blocked_at", "confirmed"])


class FailedAttempt(models.Model):
    """One wrong secret (PIN, e-CPS code) counted against one key, until it expires.

    The keys are the client (its address, its session), the e-CPS account, an unknown card
    number, and the anonymous-trace buckets (accounts.limits says which, with their numbers).
    Rows are counters, not evidence (the evidence is the trace): they are stored as a SHA-256
    of the key, so no session id and no address lies here in clear, and deleted once expired.
    The database holds them so that every worker process counts the same (DESIGN.md §5).
    """

    key = models.CharField("clé (SHA-256)", max_length=64)
    at = models.DateTimeField("date")
    expires_at = models.DateTimeField("expire le")

    class Meta:
        verbose_name = "tentative échouée"
        verbose_name_plural = "tentatives échouées"
        indexes = [
            # limits.failures(): the failures of one key within its window, the latest first
            models.Index(fields=["key", "-at"], name="accounts_failedattempt_key_idx"),
            # limits.prune(): the expired rows
            models.Index(fields=["expires_at"], name="accounts_failedattempt_exp_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("at")), name="accounts_failedattempt_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.at:%d/%m/%Y %H:%M:%S}"


class CodeOutcome(models.TextChoices):
    """What checking one e-CPS code found (ECPSDevice.check_code)."""

    ACCEPTED = "accepted", "accepté"
    WRONG = "wrong", "incorrect"
    REPLAYED = "replayed", "déjà utilisé"
    WAIT = "wait", "trop tôt"


class ECPSDevice(TOTPDevice):
    """The e-CPS app: django-otp's TOTP device with its throttle capped.

    django-otp doubles the wait after each wrong code without limit (1 s, 2 s, 4 s ... years).
    RPPS numbers are public, so anyone could keep a professional out of e-CPS by sending a wrong
    code whenever the wait ends. Capped at MAX_THROTTLE_SECONDS (60 s), guessing stays
    hopeless (one try a minute against a million codes, each valid 30 s) and the owner waits
    a minute at most.
    """

    MAX_THROTTLE_SECONDS = 60

    class Meta:
        proxy = True
        verbose_name = "application e-CPS"
        verbose_name_plural = "applications e-CPS"

    @classmethod
    def throttle_delay(cls, failure_count: int) -> timedelta:
        """The wait after `failure_count` consecutive wrong codes: 1 s, 2 s, 4 s … 60 s at most."""
        if failure_count <= 0:
            return timedelta(0)
        factor = getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)
        return timedelta(seconds=min(factor * 2 ** (failure_count - 1), cls.MAX_THROTTLE_SECONDS))

    def verify_is_allowed(self) -> tuple[bool, dict | None]:
        if self.throttling_failure_count and self.throttling_failure_timestamp is not None:
            locked_until = self.throttling_failure_timestamp + self.throttle_delay(
                self.throttling_failure_count
            )
            if timezone.now() < locked_until:
                return False, {
                    "reason": VerifyNotAllowed.N_FAILED_ATTEMPTS,
                    "failure_count": self.throttling_failure_count,
                    "locked_until": locked_until,
                }
        return True, None

    def check_code(self, token: str) -> tuple[CodeOutcome, datetime | None]:
        """Check one code, the caller holding the device's row lock (services.ecps_code_check).

        Like django-otp's verify_token, but it says why a code is refused, so that the
        professional reads the truth: WAIT (a code typed before the throttle's end is not even
        looked at; returned with the end of the wait), REPLAYED (a code of the current time that
        was already used: not a guess, so the throttle does not grow) or WRONG (counted).
        """
        allowed, info = self.verify_is_allowed()
        if not allowed:
            return CodeOutcome.WAIT, (info or {}).get("locked_until")
        now = time.time()
        totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        totp.time = now
        if totp.verify(int(token), self.tolerance, self.last_t + 1):
            self.last_t = totp.t()
            self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return CodeOutcome.ACCEPTED, None
        replay = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
        replay.time = now
        if replay.verify(int(token), self.tolerance):
            return CodeOutcome.REPLAYED, None
        self.throttle_increment(commit=True)
        return CodeOutcome.WRONG, None


class LoginMethod(models.TextChoices):
    CARD = "carte_cps", "Carte CPS"
    ECPS = "e_cps", "e-CPS"


class OpenSession(models.Model):
    """One open session of a user, listed in "Mes sessions" (accounts.open_sessions).

    The session itself stays where SESSION_ENGINE keeps it; this row holds only the SHA-256 of its
    key (never the key: reading this table must not let anyone take a session over), when and how
    it was opened, and a short summary of the browser. Written at login, refreshed at most once a
    minute, deleted at logout, at expiry and when the professional ends it.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # CASCADE: a session means nothing without its user (and Django deletes the user's sessions' data).
    user = models.ForeignKey(User, models.CASCADE, related_name="open_sessions", verbose_name="utilisateur")
    key_hash = models.CharField("empreinte de la clé de session (SHA-256)", max_length=64, unique=True)
    method = models.CharField("mode de connexion", max_length=10, choices=LoginMethod)
    created_at = models.DateTimeField("ouverte le")
    last_seen_at = models.DateTimeField("dernière activité")
    client_address = models.GenericIPAddressField("adresse du poste", null=True, blank=True)
    # "Firefox sous Windows": a summary, never the User-Agent itself (no version, no fingerprint).
    browser = models.CharField("navigateur", max_length=80, blank=True)

    class Meta:
        verbose_name = "session ouverte"
        verbose_name_plural = "sessions ouvertes"
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=LoginMethod.values), name="accounts_opensession_method_valid"
            ),
        ]
        indexes = [
            # "Mes sessions": one user's sessions, most recently active first.
            models.Index(fields=["user", "-last_seen_at"], name="accounts_opensession_user_idx"),
        ]

    def __str__(self) -> str:
        return f"Session de {self.user} ouverte le {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
