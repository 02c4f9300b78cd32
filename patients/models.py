"""The patient, their DMP, and what decides who may open it: care team, authorizations, blocks."""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin, TimestampMixin

from accounts.models import Establishment
from patients.ins import validate_ins
from patients.normalize import search_key


class IdentityStatus(models.TextChoices):
    """Statut de l'identité (référentiel INS)."""

    PROVISOIRE = "provisoire", "Identité provisoire"
    RECUPEREE = "recuperee", "Identité récupérée"
    VALIDEE = "validee", "Identité validée"
    QUALIFIEE = "qualifiee", "Identité qualifiée"


class Sex(models.TextChoices):
    F = "F", "Féminin"
    M = "M", "Masculin"


class DMPStatus(models.TextChoices):
    ACTIVE = "actif", "Actif"
    CLOSED = "ferme", "Fermé"


INS_TAKEN_MESSAGE = "Un patient porte déjà ce matricule INS."


class Sandbox(models.Model):
    """A workshop trainee's private copy of the demo patients (DESIGN.md §4, "Workshop sandboxes").

    A patient belongs to the portal itself (no sandbox) or to exactly one sandbox, and so does
    everything that hangs off them. A trainee reaches only their active (not archived) sandbox;
    resetting archives it (its patients and traces are kept, reachable by no one but the Django
    admin) and a fresh one takes its place.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    label = models.CharField("libellé", max_length=200)
    # PROTECT: the sandbox's traces name its trainee; accounts are deactivated, never deleted.
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="sandboxes",
        verbose_name="stagiaire",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)

    class Meta:
        verbose_name = "bac à sable"
        verbose_name_plural = "bacs à sable"
        constraints = [
            # At most one active sandbox per trainee: the scope lookup must never have to choose.
            models.UniqueConstraint(
                fields=["trainee"],
                condition=Q(archived_at__isnull=True, trainee__isnull=False),
                name="patients_sandbox_one_active_per_trainee",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class PatientQuerySet(models.QuerySet):
    def reachable_by(self, user: object) -> "PatientQuerySet":
        """The patients this user may reach from any entry point (DESIGN.md §3, one place).

        - a trainee (a user with any sandbox, active or archived): only the patients of their
          active sandbox — none once their sandboxes are all archived;
        - anyone else authenticated: only the portal's own patients, never a sandbox's;
        - anonymous: none.
        One query, whatever the case: the trainee test is a subquery, not a Python branch.
        The Django admin uses the unscoped manager on purpose (administrators see everything).
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        own_sandbox = Q(sandbox__trainee=user, sandbox__archived_at__isnull=True)
        is_trainee = models.Exists(Sandbox.objects.filter(trainee=user))
        return self.filter(own_sandbox | (Q(sandbox__isnull=True) & ~is_trainee))

    def matching_name(self, name: str) -> "PatientQuerySet":
        """Birth or usage name equal to `name` once normalized (two indexed columns)."""
        key = search_key(name)
        return self.filter(Q(birth_name_key=key) | Q(usual_name_key=key))


class Patient(models.Model):
    """A person with a DMP, identified by their INS matricule and the INS identity traits."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # null: the portal's own patient. PROTECT: a sandbox is archived, never deleted with its patients.
    # No index of its own: "sandbox IS NULL" would tempt the planner away from the name indexes;
    # a sandbox's patients are reached through the partial (sandbox, ins) unique index below.
    sandbox = models.ForeignKey(
        Sandbox,
        models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="patients",
        verbose_name="bac à sable (atelier)",
    )
    # Unique per scope (the portal, or one sandbox): see the two constraints in Meta.
    ins = models.CharField("matricule INS", max_length=15, validators=[validate_ins])
    identity_status = models.CharField(
        "statut de l'identité", max_length=12, choices=IdentityStatus, default=IdentityStatus.PROVISOIRE
    )
    birth_name = models.CharField("nom de naissance", max_length=100)
    usual_name = models.CharField("nom d'usage", max_length=100, blank=True)
    birth_first_names = models.CharField(
        "prénoms de naissance",
        max_length=200,
        help_text="Dans l'ordre de l'état civil, séparés par des espaces.",
    )
    first_name = models.CharField("premier prénom", max_length=100)
    sex = models.CharField("sexe", max_length=1, choices=Sex)
    birth_date = models.DateField("date de naissance")
    birth_place_cog = models.CharField(
        "lieu de naissance (code COG)",
        max_length=5,
        help_text="Code officiel géographique ; 99xxx à l'étranger.",
    )
    email = models.EmailField("adresse électronique (notifications)", blank=True)

    # Normalized copies (patients.normalize.search_key) that the identity search queries.
    birth_name_key = models.CharField(max_length=100, editable=False)
    usual_name_key = models.CharField(max_length=100, editable=False, blank=True)
    first_names_key = models.CharField(max_length=200, editable=False)

    dmp_status = models.CharField("statut du DMP", max_length=5, choices=DMPStatus, default=DMPStatus.ACTIVE)
    closed_on = models.DateField("fermé le", null=True, blank=True)
    closing_reason = models.CharField("motif de fermeture", max_length=200, blank=True)

    # The patient's emergency choices (reference/dmp_emergency_consents_MES.csv).
    emergency_samu_allowed = models.BooleanField(
        "SAMU",
        default=True,
        help_text="J'autorise les professionnels de santé du SAMU à accéder à ces rubriques en cas d'urgence.",
    )
    emergency_others_allowed = models.BooleanField(
        "Autres professionnels de santé",
        default=True,
        help_text="J'autorise les professionnels de santé à accéder à ces rubriques en cas d'urgence.",
    )
    emergency_masked_allowed = models.BooleanField(
        "Documents masqués",
        default=False,
        help_text="J'autorise les professionnels de santé à consulter mes documents masqués en cas d'urgence.",
    )

    # The patient's preference (Mon espace santé): every document added from then on arrives
    # masked to professionals (documents.services applies it when it creates a document).
    new_documents_masked = models.BooleanField(
        "Nouveaux documents masqués",
        default=False,
        help_text="Masquer aux professionnels de santé les nouveaux documents ajoutés à mon profil.",
    )

    dmp_attending_physicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="dmp_patients",
        verbose_name="médecins traitants DMP",
        limit_choices_to={"profession_id": "10"},
    )
    legal_representatives = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="represented", verbose_name="représentants légaux"
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = "patient"
        ordering = ["birth_name", "first_name"]
        indexes = [
            # Identity search: name (birth or usage) first, then sex and first names.
            # The INS lookup within a scope (patients.scope: a subquery OR'ed with "sandbox IS
            # NULL"), which neither partial unique index below can serve: without this index it
            # read the whole table (94 ms at a million patients on PostgreSQL, 870 ms on SQLite).
            models.Index(fields=["ins"], name="patients_ins_idx"),
            models.Index(fields=["birth_name_key", "sex"], name="patients_birth_name_idx"),
            models.Index(fields=["usual_name_key", "sex"], name="patients_usual_name_idx"),
            # The admin's list filters (patients/admin.py), newest first.
            models.Index(fields=["dmp_status", "-id"], name="patients_dmp_status_idx"),
            models.Index(fields=["identity_status", "-id"], name="patients_identity_status_idx"),
        ]
        constraints = [
            # The same INS once in the portal, and once in each sandbox. Sandbox first: the
            # partial index also serves "the patients of this sandbox".
            models.UniqueConstraint(
                fields=["ins"],
                condition=Q(sandbox__isnull=True),
                name="patients_patient_ins_unique_portal",
                violation_error_message=INS_TAKEN_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["sandbox", "ins"],
                condition=Q(sandbox__isnull=False),
                name="patients_patient_ins_unique_sandbox",
                violation_error_message=INS_TAKEN_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(identity_status__in=IdentityStatus.values),
                name="patients_patient_identity_status_valid",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patients_patient_sex_valid"),
            models.CheckConstraint(
                condition=Q(dmp_status__in=DMPStatus.values), name="patients_patient_dmp_status_valid"
            ),
            # A closed DMP says when and why; an open one has neither.
            models.CheckConstraint(
                condition=Q(dmp_status=DMPStatus.ACTIVE, closed_on__isnull=True)
                | Q(dmp_status=DMPStatus.CLOSED, closed_on__isnull=False),
                name="patients_patient_closed_has_date",
            ),
            # Masked documents in emergency only make sense if someone may access in emergency.
            models.CheckConstraint(
                condition=Q(emergency_masked_allowed=False)
                | Q(emergency_samu_allowed=True)
                | Q(emergency_others_allowed=True),
                name="patients_patient_masked_needs_emergency",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def refresh_search_keys(self) -> None:
        """Recompute the normalized columns; services call it before every save."""
        self.birth_name_key = search_key(self.birth_name)
        self.usual_name_key = search_key(self.usual_name)
        self.first_names_key = search_key(f"{self.first_name} {self.birth_first_names}")

    @property
    def display_name(self) -> str:
        """As dmp.fr writes it: "M. LE QUINIO PIERRE"."""
        civility = "M." if self.sex == Sex.M else "Mme"
        name = self.usual_name or self.birth_name
        return f"{civility} {name.upper()} {self.first_name.upper()}"

    @property
    def is_open(self) -> bool:
        return self.dmp_status == DMPStatus.ACTIVE

    @property
    def birth_department(self) -> str:
        """From the COG: 2 characters, 3 for overseas (97x), "99" for a birth abroad."""
        cog = self.birth_place_cog.upper()
        return cog[:3] if cog.startswith("97") else cog[:2]

    def age(self, on: date | None = None) -> int:
        today = on or timezone.localdate()
        before_birthday = (today.month, today.day) < (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - before_birthday

    @property
    def is_minor(self) -> bool:
        return self.age() < 18


class CareStayQuerySet(models.QuerySet):
    def current(self, today: date) -> "CareStayQuerySet":
        """Stays in progress on `today`: their establishment's professionals are the care team."""
        return self.filter(started_on__lte=today).exclude(ended_on__lt=today)


class AuthorizationQuerySet(models.QuerySet):
    def in_force(self, now: datetime) -> "AuthorizationQuerySet":
        """Declarations neither withdrawn nor, for an emergency access, over."""
        return self.filter(withdrawn_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class CareStay(models.Model):
    """The patient is in care in an establishment: its professionals are in the care team."""

    # CASCADE: the stay is part of the patient's record.
    patient = models.ForeignKey(Patient, models.CASCADE, related_name="stays", verbose_name="patient")
    # PROTECT: establishments are reference data.
    establishment = models.ForeignKey(Establishment, models.PROTECT, verbose_name="établissement")
    started_on = models.DateField("début")
    ended_on = models.DateField("fin", null=True, blank=True)

    objects = CareStayQuerySet.as_manager()

    class Meta:
        verbose_name = "prise en charge"
        verbose_name_plural = "prises en charge"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="patients_carestay_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} — {self.establishment}"


class VitaleCard(models.Model):
    """A Carte Vitale: its holder and the beneficiaries (children) it also carries."""

    serial = models.CharField("numéro de série", max_length=12, unique=True)
    # PROTECT: a card is evidence of identity; deleting a patient must not silently drop it.
    holder = models.ForeignKey(Patient, models.PROTECT, related_name="vitale_cards", verbose_name="assuré")
    beneficiaries = models.ManyToManyField(
        Patient, blank=True, related_name="vitale_beneficiary_of", verbose_name="bénéficiaires"
    )
    # Demo cards "inserted" in the virtual reader.
    in_reader = models.BooleanField("insérée dans le lecteur (démo)", default=False)

    class Meta:
        verbose_name = "carte Vitale"
        verbose_name_plural = "cartes Vitale"

    def __str__(self) -> str:
        return f"Carte Vitale {self.serial} ({self.holder})"

    def validate_beneficiaries(self, beneficiaries: "list[Patient]") -> None:
        """A card never carries a person outside its holder's scope (the portal or one sandbox):
        patients.services.vitale_card_set_beneficiaries and the admin's form refuse them."""
        foreign = [person for person in beneficiaries if person.sandbox_id != self.holder.sandbox_id]
        if foreign:
            names = ", ".join(person.display_name for person in foreign)
            raise ValidationError(
                f"Ces bénéficiaires n'appartiennent pas au même espace que l'assuré : {names}."
            )


class AuthorizationKind(models.TextChoices):
    CONSENT = "consent", "Consentement déclaré"
    EMERGENCY = "emergency", "Accès en urgence"


class Authorization(models.Model):
    """A professional's declaration: the patient's consent, or an emergency access (bris de glace)."""

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="authorizations")
    # PROTECT: who declared is part of the patient's history.
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="authorizations")
    kind = models.CharField("type", max_length=10, choices=AuthorizationKind)
    declared_at = models.DateTimeField("déclarée le", default=timezone.now)
    reason = models.CharField("motif de l'accès en urgence", max_length=500, blank=True)
    expires_at = models.DateTimeField("fin de l'accès en urgence", null=True, blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)

    objects = AuthorizationQuerySet.as_manager()

    class Meta:
        verbose_name = "autorisation d'accès"
        verbose_name_plural = "autorisations d'accès"
        indexes = [
            # access facts: the latest declarations of one professional for one patient
            models.Index(fields=["patient", "professional", "-declared_at"], name="patients_auth_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AuthorizationKind.values), name="patients_authorization_kind_valid"
            ),
            # An emergency access has a written reason and an end; a consent has neither.
            models.CheckConstraint(
                condition=(Q(kind=AuthorizationKind.EMERGENCY) & ~Q(reason="") & Q(expires_at__isnull=False))
                | Q(kind=AuthorizationKind.CONSENT, expires_at__isnull=True),
                name="patients_authorization_emergency_has_reason_and_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.professional} — {self.patient}"


class Block(models.Model):
    """The patient blocked this professional: no access, whatever the consent."""

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="blocks")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="blocked_by")
    blocked_at = models.DateTimeField("bloqué le", default=timezone.now)

    class Meta:
        verbose_name = "professionnel bloqué"
        verbose_name_plural = "professionnels bloqués"
        constraints = [
            models.UniqueConstraint(fields=["patient", "professional"], name="patients_block_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} bloque {self.professional}"


class RecordAccess(models.Model):
    """When a professional last opened this patient's DMP ("Mes patients", the six-month rule)."""

    patient = models.ForeignKey(Patient, models.CASCADE, related_name="record_accesses")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="record_accesses")
    first_access_at = models.DateTimeField("premier accès")
    last_access_at = models.DateTimeField("dernier accès")
    # The access before the last one: "N nouveau(x)" counts the documents added since (patients/opening.py).
    previous_access_at = models.DateTimeField("accès précédent", null=True, blank=True)

    class Meta:
        verbose_name = "accès au DMP"
        verbose_name_plural = "accès au DMP"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "professional"], name="patients_recordaccess_one_per_pair"
            ),
        ]
        indexes = [
            # "Mes patients": one professional's patients, most recent first
            models.Index(fields=["professional", "-last_access_at"], name="patients_access_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.professional} → {self.patient}"


# A wrong code waits 1 s, then 2, 4, 8… (django-otp's throttling); five wrong codes in a row void
# the code, and a new one is sent at most once a minute.
PATIENT_CODE_THROTTLE_FACTOR = 1
PATIENT_CODE_MAX_FAILURES = 5
PATIENT_CODE_COOLDOWN_SECONDS = 60
PATIENT_CODE_VALIDITY_SECONDS = 300


class PatientEmailDevice(TimestampMixin, CooldownMixin, ThrottlingMixin, SideChannelDevice):
    """The one-time code emailed to a patient to open Mon espace santé.

    django-otp's email device (django_otp.plugins.otp_email) belongs to a User; patients are not
    User rows, so this is the same device built from django-otp's own parts (side-channel token,
    valid for a few minutes, cleared once used, throttled, cooled down) for a Patient.
    """

    user = None
    patient = models.OneToOneField(Patient, models.CASCADE, related_name="email_device")

    class Meta:
        verbose_name = "code à usage unique (Mon espace santé)"

    def __str__(self) -> str:
        return f"Code Mon espace santé de {self.patient}"

    def get_throttle_factor(self) -> int:
        return PATIENT_CODE_THROTTLE_FACTOR

    def get_cooldown_duration(self) -> int:
        return PATIENT_CODE_COOLDOWN_SECONDS

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        if super().verify_token(token):
            self.throttle_reset()
            return True
        self.throttle_increment(commit=False)
        if self.throttling_failure_count >= PATIENT_CODE_MAX_FAILURES:
            self.token = None
        self.save()
        return False
