"""What the DMP holds: document types and rubriques, the habilitation matrix, documents with their
confidentiality, and the vaccination book.

Which documents a viewer may see is decided in one place, documents/visibility.py, reached through
`Document.objects.visible_to(viewer, patient)`.
"""

import calendar
import uuid
from datetime import date, timedelta
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from accounts.models import PHYSICIAN_CODE, Practice, PracticeSetting, Profession
from documents.filestore import random_name
from patients.models import Patient

COMMENT_MAX_LENGTH = 1000
# INVISIBLE_PATIENT (reference/dmp_confidentiality_codes.csv): pending an announcement
# consultation, the patient is told after two weeks and the document becomes visible after a month.
PATIENT_INFORMED_AFTER = timedelta(days=14)
PATIENT_VISIBLE_AFTER_MONTHS = 1


def add_months(day: date, months: int) -> date:
    """Same day `months` later (or earlier), clamped to the month's end: 31 Jan + 1 → 28/29 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ---------------------------------------------------------------------------------------------
# Reference data (loaded by migrations from documents/reference/)


class ClassCode(models.Model):
    """An XDS class code (dmp_class_codes.csv): the family a document type belongs to."""

    code = models.CharField("code", max_length=64, primary_key=True)
    label = models.CharField("libellé", max_length=100)
    in_dmp = models.BooleanField("dans le jeu de valeurs du DMP (JDV_J57)")

    class Meta:
        ordering = ["code"]
        verbose_name = "classe de document"
        verbose_name_plural = "classes de document"

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class MesCategory(models.Model):
    """A category of the patient's app, Mon espace santé (mes_document_categories.csv)."""

    code = models.CharField("code", max_length=20, primary_key=True)
    app_enum = models.CharField("nom dans l'application", max_length=40)
    label = models.CharField("libellé", max_length=100)
    filterable = models.BooleanField("filtre proposé dans l'application")

    class Meta:
        ordering = ["code"]
        verbose_name = "catégorie Mon espace santé"
        verbose_name_plural = "catégories Mon espace santé"

    def __str__(self) -> str:
        return self.label


class ConfidentialityCode(models.Model):
    """A confidentiality code (dmp_confidentiality_codes.csv). Documents carry the DMP's flags as
    booleans (Document.confidentiality_codes gives them back as codes)."""

    code = models.CharField("code", max_length=40, primary_key=True)
    code_system = models.CharField("système de codes", max_length=60)
    code_system_oid = models.CharField("OID du système", max_length=60)
    label = models.CharField("libellé", max_length=100)
    in_dmp = models.BooleanField("dans le jeu de valeurs du DMP (JDV_J58)")

    class Meta:
        ordering = ["code_system", "code"]
        verbose_name = "code de confidentialité"
        verbose_name_plural = "codes de confidentialité"

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Rubrique(models.Model):
    """One of the ten rubriques dmp.fr displays, in the slides' order (position)."""

    code = models.SlugField("code", max_length=30, primary_key=True)
    label = models.CharField("libellé", max_length=100)
    position = models.PositiveSmallIntegerField("ordre d'affichage", unique=True)
    # PROTECT: reference data; the patient app's name for the same family of documents.
    mes_category = models.ForeignKey(
        MesCategory,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name="catégorie Mon espace santé",
    )

    class Meta:
        ordering = ["position"]
        verbose_name = "rubrique"

    def __str__(self) -> str:
        return self.label


# Types only the patient deposits ("… déposé(e) par le patient", the rubrique "Autres documents
# déposés par le patient") or only Assurance Maladie feeds (remboursement): never a professional's,
# as the slides' drop-down shows (its Synthèses start at "Synthèse").
PATIENT_TYPE_PREFIX = "DOCPAT"
MES_PROFILE_TYPE_CODE = "DOCPAT08"  # "Profil médical Mon espace santé", written by the profile itself
NOT_FOR_PROFESSIONALS_RUBRIQUES = ("patient", "remboursement")


class DocumentTypeQuerySet(models.QuerySet):
    def for_professionals(self) -> "DocumentTypeQuerySet":
        """The types a professional may choose for a new document."""
        return (
            self.filter(selectable=True)
            .exclude(rubrique_id__in=NOT_FOR_PROFESSIONALS_RUBRIQUES)
            .exclude(code__startswith=PATIENT_TYPE_PREFIX)
        )

    def for_patients(self) -> "DocumentTypeQuerySet":
        """The types a patient may choose for a document they add in Mon espace santé: the
        "… déposé(e) par le patient" ones, except the profile Mon espace santé writes itself."""
        return (
            self.filter(selectable=True, code__startswith=PATIENT_TYPE_PREFIX)
            .exclude(code=MES_PROFILE_TYPE_CODE)
            .filter(rubrique__isnull=False)
        )


class DocumentType(models.Model):
    """A document type (dmp_document_types.csv). Its class comes from the reference, never chosen
    apart; its rubrique is data (first computed by documents.reference.rubrique_for)."""

    code_system = models.CharField("système de codes", max_length=20)
    code = models.CharField("code", max_length=40)
    label = models.CharField("libellé", max_length=200)
    # PROTECT: reference data. Null for the few types the reference gives no class.
    class_code = models.ForeignKey(
        ClassCode, models.PROTECT, null=True, blank=True, related_name="types", verbose_name="classe"
    )
    # PROTECT: a rubrique with types cannot vanish. Null: technical type, never shown.
    rubrique = models.ForeignKey(
        Rubrique, models.PROTECT, null=True, blank=True, related_name="types", verbose_name="rubrique"
    )
    selectable = models.BooleanField(
        "proposé pour un nouveau document",
        help_text="Type de la liste du DMP (ASS_X16 du 23/02/2024), rangé dans une rubrique.",
    )

    objects = DocumentTypeQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        verbose_name = "type de document"
        verbose_name_plural = "types de document"
        constraints = [
            models.UniqueConstraint(fields=["code_system", "code"], name="documents_documenttype_code_once"),
            # A type offered for new documents must be shown somewhere.
            models.CheckConstraint(
                condition=Q(selectable=False) | Q(rubrique__isnull=False),
                name="documents_documenttype_selectable_has_rubrique",
                violation_error_message="Un type proposé pour les nouveaux documents doit être rangé dans une rubrique.",
            ),
        ]

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------------------------------------
# Habilitation matrix


class HabilitationRule(models.Model):
    """One cell of the habilitation matrix: may this profession (or specialty) read this type?

    A rule for the professional's specialty wins over the profession-wide one (specialty "").
    No rule means no access.
    """

    # PROTECT: reference data on both sides.
    profession = models.ForeignKey(Profession, models.PROTECT, related_name="+", verbose_name="profession")
    specialty = models.CharField(
        "spécialité",
        max_length=100,
        blank=True,
        help_text="Vide : toute la profession. Sinon la spécialité exacte du médecin ; elle l'emporte.",
    )
    document_type = models.ForeignKey(
        DocumentType, models.PROTECT, related_name="habilitations", verbose_name="type de document"
    )
    may_read = models.BooleanField("peut lire")

    class Meta:
        verbose_name = "règle de la matrice d'habilitation"
        verbose_name_plural = "matrice d'habilitation"
        ordering = ["profession", "specialty", "document_type"]
        constraints = [
            # Its index also serves visible_to(): the readable types of one profession (+ specialty).
            models.UniqueConstraint(
                fields=["profession", "specialty", "document_type"], name="documents_habilitation_once"
            ),
            models.CheckConstraint(
                condition=Q(specialty="") | Q(profession_id=PHYSICIAN_CODE),
                name="documents_habilitation_specialty_only_for_physicians",
                violation_error_message="Une spécialité n'est admise que pour les médecins.",
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.profession_id} {self.specialty}".strip()
        return f"{who} → {self.document_type} : {'oui' if self.may_read else 'non'}"


# ---------------------------------------------------------------------------------------------
# Documents


class DocumentStatus(models.TextChoices):
    ACTIVE = "actif", "Actif"
    ARCHIVED = "archive", "Archivé"
    DELETED = "supprime", "Supprimé"


class DocumentSource(models.TextChoices):
    PROFESSIONAL = "professionnel", "Professionnel de santé"
    HEALTH_INSURANCE = "assurance_maladie", "Assurance Maladie"
    PATIENT = "patient", "Patient"


DOCUMENTS_DIRECTORY = "documents"  # where the file pipeline (documents/filestore.py) stores them


def document_file_name(instance: "Document", filename: str) -> str:
    """A random storage name, as the file pipeline gives (never the user's filename, which is
    kept apart, sanitized, for downloads); for a file assigned to the field directly."""
    return random_name(DOCUMENTS_DIRECTORY)


def still_hidden_from_patient(day: date) -> Q:
    """INVISIBLE_PATIENT still in force on `day`: the patient sees it from visible_to_patient_on."""
    return Q(hidden_from_patient=True, visible_to_patient_on__gt=day)


# INVISIBLE_REPRESENTANTS_LEGAUX protects a minor's secret from their parents: an adult has none.
ADULT_HAS_NO_REPRESENTATIVE = (
    "« Document invisible aux représentants légaux » ne concerne que le dossier d'un patient mineur."
)


class YearOf(models.Func):
    """The year of a date, computed by the database itself (no Python function per row on SQLite,
    where Django's ExtractYear calls one). Also the expression of a stored column in an early
    migration (documents 0005), since removed: see documents_doc_patient_type_idx."""

    output_field = models.PositiveSmallIntegerField()

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self.as_sql(compiler, connection, template="CAST(substr(%(expressions)s, 1, 4) AS INTEGER)")

    def as_sql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        extra.setdefault("template", "CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)")
        return super().as_sql(compiler, connection, **extra)


class DocumentQuerySet(models.QuerySet):
    def visible_to(
        self,
        viewer: object,
        patient: Patient,
        *,
        decision: object | None = None,
        today: date | None = None,
    ) -> "DocumentQuerySet":
        """The documents of `patient` that `viewer` may see: see documents/visibility.py."""
        from documents.visibility import restrict

        return restrict(self, viewer, patient, decision=decision, today=today)

    def in_grid_years_of(
        self,
        viewer: object,
        patient: Patient,
        *,
        decision: object | None = None,
        today: date | None = None,
    ) -> "DocumentQuerySet":
        """The documents whose years are the "Parcours de soins" columns for `viewer`: see
        documents/visibility.py (never a list or a count)."""
        from documents.visibility import restrict_grid_span

        return restrict_grid_span(self, viewer, patient, decision=decision, today=today)

    def years(self) -> list[int]:
        """The distinct years of the documents' dates, in order, in one query."""
        return list(
            self.annotate(year=YearOf("document_date"))
            .order_by("year")
            .values_list("year", flat=True)
            .distinct()
        )

    def active(self) -> "DocumentQuerySet":
        return self.filter(status=DocumentStatus.ACTIVE)

    def archived(self) -> "DocumentQuerySet":
        return self.filter(status=DocumentStatus.ARCHIVED)

    def latest_added(self, count: int = 5) -> "DocumentQuerySet":
        """The "5 derniers documents ajoutés" of the Récapitulatif."""
        return self.order_by("-added_at", "-pk")[:count]

    def hidden_from_patient_on(self, day: date | None = None) -> "DocumentQuerySet":
        """The "N document(s) non visible(s) par le patient" on `day` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(still_hidden_from_patient(day))

    def rubrique_year_counts(self) -> list[dict]:
        """The grid: [{"rubrique": code, "year": 2023, "count": 4}, ...] in one query. Sorted here,
        not by the database: an ORDER BY on the groups makes PostgreSQL sort every document of a
        big record to group them, where hashing them costs half."""
        rows = self.order_by().values(rubrique=F("document_type__rubrique"), year=YearOf("document_date"))
        return sorted(rows.annotate(count=Count("*")), key=itemgetter("rubrique", "year"))

    def rubrique_counts(self, **others: Count) -> list[dict]:
        """The totals by rubrique, and any other counts by rubrique (`others`: Count(column,
        filter=...)), in one query: [{"rubrique": code, "count": 12, **others}, ...]."""
        rows = self.order_by().values(rubrique=F("document_type__rubrique"))
        return sorted(rows.annotate(count=Count("*"), **others), key=itemgetter("rubrique"))


class Document(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: clinical data; a patient with documents is kept (a closed DMP is kept ten years).
    patient = models.ForeignKey(Patient, models.PROTECT, related_name="documents", verbose_name="patient")
    # PROTECT: reference data.
    document_type = models.ForeignKey(
        DocumentType, models.PROTECT, related_name="documents", verbose_name="type du document"
    )
    title = models.CharField("titre", max_length=255)
    document_date = models.DateField("date du document")
    comment = models.CharField("commentaire lié au document", max_length=COMMENT_MAX_LENGTH, blank=True)
    # The stay or act the document is about ("Exemple : Dates d'hospitalisation").
    event_start = models.DateField("début de l'évènement", null=True, blank=True)
    event_end = models.DateField("fin de l'évènement", null=True, blank=True)

    # Who produced it: a professional (author set), or Assurance Maladie, or the patient.
    source = models.CharField(
        "origine", max_length=20, choices=DocumentSource, default=DocumentSource.PROFESSIONAL
    )
    # PROTECT: the author of a clinical document cannot vanish from under it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_documents",
        verbose_name="auteur",
    )
    # Snapshots at the time of writing: the directory changes, the document does not.
    author_label = models.CharField("auteur (au moment du dépôt)", max_length=200)
    author_profession_label = models.CharField("profession de l'auteur", max_length=100, blank=True)
    # PROTECT: reference data.
    practice_setting = models.ForeignKey(
        PracticeSetting,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cadre d'exercice",
    )
    practice_setting_label = models.CharField("cadre d'exercice (libellé)", max_length=100, blank=True)
    # SET_NULL: a situation d'exercice may end; the label keeps what it was.
    practice = models.ForeignKey(
        Practice,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="situation d'exercice",
    )
    practice_label = models.CharField("situation d'exercice (libellé)", max_length=300, blank=True)

    # Content: a stored file or a free text, exactly one.
    file = models.FileField("fichier", upload_to=document_file_name, blank=True)
    original_filename = models.CharField("nom du fichier déposé", max_length=255, blank=True)
    text = models.TextField("texte libre", blank=True)
    mime_type = models.CharField("type MIME", max_length=100)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    # Confidentiality flags (dmp_confidentiality_codes.csv); "normal" is all three off.
    masked_to_professionals = models.BooleanField(
        "masqué aux professionnels",
        default=False,
        help_text="MASQUE_PS : visible seulement par son auteur, le patient et le médecin traitant DMP.",
    )
    hidden_from_patient = models.BooleanField(
        "non visible par le patient",
        default=False,
        help_text="INVISIBLE_PATIENT : en attente d'une consultation d'annonce.",
    )
    # Set with hidden_from_patient: when the patient is told, and when they see the document.
    patient_informed_on = models.DateField("patient informé le", null=True, blank=True)
    visible_to_patient_on = models.DateField("visible par le patient à partir du", null=True, blank=True)
    hidden_from_legal_representatives = models.BooleanField(
        "invisible aux représentants légaux",
        default=False,
        help_text="INVISIBLE_REPRESENTANTS_LEGAUX : secret du patient mineur.",
    )

    status = models.CharField("statut", max_length=10, choices=DocumentStatus, default=DocumentStatus.ACTIVE)
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True)
    added_at = models.DateTimeField("ajouté le", default=timezone.now)
    # PROTECT: who added it is part of the record. Null for feeds (Assurance Maladie).
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté par",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        ordering = ["-added_at"]
        indexes = [
            # visible_to(): one patient's documents, newest first (lists, counts, "5 derniers
            # documents ajoutés"). Status is filtered on the row: deleted documents are few.
            models.Index(fields=["patient", "-added_at", "-id"], name="documents_doc_patient_idx"),
            # The counts of the Récapitulatif and of the "Parcours de soins" (by rubrique, by year,
            # "N nouveau(x)"): every column visible_to() and the counts read is here, so they read
            # this index alone, never the wide rows of a big record (covering, index-only scans).
            # The year is computed from document_date here: SQLite does not read a stored generated
            # column from an index, and would go back to the rows.
            models.Index(
                fields=[
                    "patient",
                    "document_type",
                    "document_date",
                    "status",
                    "masked_to_professionals",
                    "author",
                    "added_at",
                ],
                name="documents_doc_patient_type_idx",
            ),
            # Lists sorted by document date, for one patient, a page after another (keyset on the
            # whole order: documents/views.py).
            models.Index(
                fields=["patient", "-document_date", "-added_at", "-id"],
                name="documents_doc_patient_date_idx",
            ),
            # "N document(s) non visible(s) par le patient" (Récapitulatif): one patient's few
            # announcements, not a walk through their whole record. Partial: only those rows.
            models.Index(
                fields=["patient", "visible_to_patient_on"],
                condition=Q(hidden_from_patient=True),
                name="documents_doc_announced_idx",
            ),
            # The admin's list filters (documents/admin.py), newest first.
            models.Index(fields=["status", "-id"], name="documents_doc_status_idx"),
            models.Index(fields=["source", "-id"], name="documents_doc_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="documents_document_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=DocumentSource.values), name="documents_document_source_valid"
            ),
            # A professional's document names its author; Assurance Maladie's and the patient's do not.
            models.CheckConstraint(
                condition=Q(source=DocumentSource.PROFESSIONAL, author__isnull=False)
                | (~Q(source=DocumentSource.PROFESSIONAL) & Q(author__isnull=True)),
                name="documents_document_author_matches_source",
            ),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(text="")) | (~Q(file="") & Q(text="")),
                name="documents_document_file_or_text",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="documents_document_sha256_hex"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="documents_document_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="documents_document_has_title"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX_LENGTH),
                name="documents_document_comment_max_1000",
            ),
            # Both event dates or neither, the start not after the end.
            models.CheckConstraint(
                condition=Q(event_start__isnull=True, event_end__isnull=True)
                | Q(event_start__isnull=False, event_end__isnull=False, event_start__lte=F("event_end")),
                name="documents_document_event_start_before_end",
            ),
            # INVISIBLE_PATIENT always carries its two dates, in order; the other documents none.
            models.CheckConstraint(
                condition=Q(
                    hidden_from_patient=False,
                    patient_informed_on__isnull=True,
                    visible_to_patient_on__isnull=True,
                )
                | Q(
                    hidden_from_patient=True,
                    patient_informed_on__isnull=False,
                    visible_to_patient_on__gte=F("patient_informed_on"),
                ),
                name="documents_document_hidden_from_patient_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if (self.event_start is None) != (self.event_end is None):
            errors["event_end"] = "Indiquez la date de début et la date de fin de l'évènement."
        elif self.event_start and self.event_end and self.event_start > self.event_end:
            errors["event_end"] = "La date de fin de l'évènement ne peut pas précéder sa date de début."
        if bool(self.file) == bool(self.text):
            errors["text"] = "Joignez un fichier ou rédigez un texte libre (l'un ou l'autre)."
        if self.comment and len(self.comment) > COMMENT_MAX_LENGTH:
            errors["comment"] = f"Le commentaire ne peut pas dépasser {COMMENT_MAX_LENGTH} caractères."
        if (self.source == DocumentSource.PROFESSIONAL) != (self.author_id is not None):
            errors["author"] = "Un document de professionnel indique son auteur ; les autres n'en ont pas."
        if self.hidden_from_legal_representatives and self.patient_id and not self.patient.is_minor:
            errors["hidden_from_legal_representatives"] = ADULT_HAS_NO_REPRESENTATIVE
        if errors:
            raise ValidationError(errors)

    def start_announcement(self, on: date) -> None:
        """INVISIBLE_PATIENT from `on`: the patient is told two weeks later, sees it a month later."""
        self.hidden_from_patient = True
        self.patient_informed_on = on + PATIENT_INFORMED_AFTER
        self.visible_to_patient_on = add_months(on, PATIENT_VISIBLE_AFTER_MONTHS)

    def end_announcement(self) -> None:
        self.hidden_from_patient = False
        self.patient_informed_on = None
        self.visible_to_patient_on = None

    def is_hidden_from_patient_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.hidden_from_patient and self.visible_to_patient_on > day

    @property
    def is_archived(self) -> bool:
        return self.status == DocumentStatus.ARCHIVED

    def is_authored_by(self, user: object) -> bool:
        """Only the author archives, deletes or changes the confidentiality of a document."""
        return self.author_id is not None and self.author_id == getattr(user, "pk", None)

    @property
    def is_deleted(self) -> bool:
        return self.status == DocumentStatus.DELETED

    @property
    def is_text(self) -> bool:
        return not self.file

    @property
    def confidentiality_codes(self) -> list[str]:
        """The DMP's codes for this document: "N" (normal) plus the TRE_A07 visibility flags."""
        codes = ["N"]
        if self.masked_to_professionals:
            codes.append("MASQUE_PS")
        if self.hidden_from_patient:
            codes.append("INVISIBLE_PATIENT")
        if self.hidden_from_legal_representatives:
            codes.append("INVISIBLE_REPRESENTANTS_LEGAUX")
        return codes


# ---------------------------------------------------------------------------------------------
# Carnet de vaccination


class DoseType(models.TextChoices):
    PRIMARY = "primo", "Primo-vaccination"
    BOOSTER = "rappel", "Rappel"
    SINGLE = "unique", "Dose unique"
    CATCH_UP = "rattrapage", "Rattrapage"


class VaccinationQuerySet(models.QuerySet):
    def visible_to(
        self, viewer: object, patient: Patient, *, decision: object | None = None
    ) -> "VaccinationQuerySet":
        """The vaccinations of `patient` that `viewer` may see: see documents/visibility.py."""
        from documents.visibility import restrict_vaccinations

        return restrict_vaccinations(self, viewer, patient, decision=decision)


class Vaccination(models.Model):
    """One entry of the "Carnet de vaccination"."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: clinical data.
    patient = models.ForeignKey(Patient, models.PROTECT, related_name="vaccinations", verbose_name="patient")
    vaccine = models.CharField("vaccin", max_length=200)
    vaccinated_on = models.DateField("date de vaccination")
    lot_number = models.CharField("numéro de lot", max_length=40, blank=True)
    dose_type = models.CharField("type de dose", max_length=12, choices=DoseType)
    # PROTECT: who recorded it is part of the record.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="saisie par"
    )
    recorded_by_label = models.CharField("saisie par (au moment de la saisie)", max_length=200)
    recorded_at = models.DateTimeField("saisie le", default=timezone.now)

    objects = VaccinationQuerySet.as_manager()

    class Meta:
        verbose_name = "vaccination"
        ordering = ["-vaccinated_on", "-recorded_at"]
        indexes = [
            # The "Carnet de vaccination" of one patient, latest first.
            models.Index(fields=["patient", "-vaccinated_on"], name="documents_vacc_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_type__in=DoseType.values), name="documents_vaccination_dose_type_valid"
            ),
            models.CheckConstraint(condition=~Q(vaccine=""), name="documents_vaccination_has_vaccine"),
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} ({self.vaccinated_on:%d/%m/%Y})"

    def clean(self) -> None:
        if self.vaccinated_on and self.vaccinated_on > timezone.localdate():
            raise ValidationError({"vaccinated_on": "La date de vaccination ne peut pas être dans le futur."})
