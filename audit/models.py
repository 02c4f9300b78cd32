"""The access history. audit imports neither patients nor documents (DESIGN.md §2): it refers
to them by string foreign keys and snapshots.

This first version is the small trace table the patients issue needs; the access-history issue
makes it append-only and hash-chained, and adds the pages and the patient notifications.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Action(models.TextChoices):
    """Actions in dmp.fr's words, as the patient and the professionals read them."""

    PATIENT_SEARCHED = "patient_searched", "a recherché un patient"
    AUTHORIZATION_DECLARED = "authorization_declared", "s'est déclaré autorisé à accéder au DMP"
    EMERGENCY_ACCESS = "emergency_access", "a accédé au DMP en mode bris de glace"
    RECORD_OPENED = "record_opened", "a ouvert le DMP avec un navigateur web"
    AUTHORIZATION_WITHDRAWN = "authorization_withdrawn", "a retiré son autorisation"
    HISTORY_VIEWED = "history_viewed", "a consulté l'historique des accès"
    DOCUMENT_VIEWED = "document_viewed", "a consulté le document"
    DOCUMENT_ADDED = "document_added", "a ajouté le document"
    DOCUMENT_MASKED = "document_masked", "a masqué le document"
    DOCUMENT_UNMASKED = "document_unmasked", "a démasqué le document"
    DOCUMENT_ARCHIVED = "document_archived", "a archivé le document"
    DOCUMENT_DELETED = "document_deleted", "a supprimé le document"
    DOCUMENT_CONFIDENTIALITY_CHANGED = "document_confidentiality", "a modifié la confidentialité du document"
    VACCINATION_ADDED = "vaccination_added", "a ajouté une vaccination au carnet"
    LOGIN = "login", "s'est connecté"
    LOGIN_FAILED = "login_failed", "a échoué à se connecter"
    LOGOUT = "logout", "s'est déconnecté"


class Trace(models.Model):
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    # PROTECT: a trace outlives nothing it names; the actor's account cannot vanish under it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name="auteur"
    )
    actor_label = models.CharField("auteur (au moment de l'action)", max_length=200)
    # PROTECT: a patient with traces is kept (the law keeps a closed DMP ten years).
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="patient"
    )
    action = models.CharField("action", max_length=40, choices=Action)
    mode = models.CharField("mode d'accès", max_length=100, blank=True)
    # Snapshot of the document concerned: the trace outlives a rename or a deletion.
    document_code = models.UUIDField("document (identifiant)", null=True, blank=True)
    document_title = models.CharField("document (titre au moment de l'action)", max_length=255, blank=True)
    details = models.CharField("précisions", max_length=500, blank=True)
    client_address = models.GenericIPAddressField("adresse du poste", null=True, blank=True)

    class Meta:
        verbose_name = "trace"
        indexes = [
            # a patient's history, most recent first
            models.Index(fields=["patient", "-created_at"], name="audit_trace_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=Action.values), name="audit_trace_action_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M:%S} {self.actor_label} {self.get_action_display()}"

    @property
    def sentence(self) -> str:
        """The "Action réalisée" column: "a accédé au DMP en mode bris de glace (motif : …)"."""
        label = self.get_action_display()
        if self.action == Action.EMERGENCY_ACCESS and self.details:
            return f"{label} (motif : {self.details})"
        if self.document_title:
            return f"{label} « {self.document_title} »"
        return label
