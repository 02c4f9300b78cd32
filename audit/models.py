"""The access history: append-only traces chained by keyed seals (audit/sealing.py), and the
patient notifications outbox.

audit imports neither patients nor documents (DESIGN.md §2): it refers to them by string
foreign keys and snapshots.

Chains are per patient (and, for traces without a patient such as searches, per actor):
- a patient's history, the part the patient reads, can be verified on its own;
- writers for different patients never wait for each other: the lock that keeps a chain
  from forking (two traces claiming the same predecessor) covers one patient, not the region.
"""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit import sealing

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    """Actions in dmp.fr's words, as the patient and the professionals read them."""

    PATIENT_SEARCHED = "patient_searched", "a recherché un patient"
    AUTHORIZATION_DECLARED = "authorization_declared", "s'est déclaré autorisé à accéder au DMP"
    EMERGENCY_ACCESS = "emergency_access", "a accédé au DMP en mode bris de glace"
    RECORD_OPENED = "record_opened", "a ouvert le DMP avec un navigateur web"
    AUTHORIZATION_WITHDRAWN = "authorization_withdrawn", "a retiré son autorisation"
    HISTORY_VIEWED = "history_viewed", "a consulté l'historique des accès"
    DOCUMENT_VIEWED = "document_viewed", "a consulté le document"
    # Saved as a file rather than shown in the browser: the patient reads which one happened.
    DOCUMENT_DOWNLOADED = "document_downloaded", "a téléchargé le document"
    # The "Parcours de soins" grid shows which rubriques hold documents, and when: a read of the DMP.
    CARE_PATHWAY_VIEWED = "care_pathway_viewed", "a consulté le parcours de soins"
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
    # An administrator's reads, from the portal's administration (one trace per page read).
    ADMIN_RECORD_VIEWED = "admin_record_viewed", "a consulté le DMP depuis l'administration"
    ADMIN_DOCUMENTS_LISTED = (
        "admin_documents_listed",
        "a consulté la liste des documents depuis l'administration",
    )
    ADMIN_DOCUMENT_VIEWED = "admin_document_viewed", "a consulté depuis l'administration le document"
    ADMIN_VACCINATIONS_VIEWED = (
        "admin_vaccinations_viewed",
        "a consulté le carnet de vaccination depuis l'administration",
    )
    ADMIN_HISTORY_VIEWED = (
        "admin_history_viewed",
        "a consulté l'historique des accès depuis l'administration",
    )
    # Changes to who may open the DMP (patients/services.py); `details` names who or what.
    BLOCK_ADDED = "block_added", "a bloqué l'accès d'un professionnel au DMP"
    BLOCK_REMOVED = "block_removed", "a débloqué l'accès d'un professionnel au DMP"
    CARE_STAY_ADDED = "care_stay_added", "a déclaré une prise en charge"
    CARE_STAY_CHANGED = "care_stay_changed", "a modifié une prise en charge"
    CARE_STAY_REMOVED = "care_stay_removed", "a supprimé une prise en charge"
    ATTENDING_PHYSICIAN_ADDED = "attending_added", "a désigné un médecin traitant DMP"
    ATTENDING_PHYSICIAN_REMOVED = "attending_removed", "a retiré un médecin traitant DMP"
    DMP_CLOSED = "dmp_closed", "a fermé le DMP"
    # A professional closes the DMP in consultation, at the patient's request (Gestion DMP).
    DMP_CLOSED_AT_PATIENT_REQUEST = "dmp_closed_on_request", "a clôturé le DMP à la demande du patient"
    DMP_REOPENED = "dmp_reopened", "a réactivé le DMP"
    EMERGENCY_CHOICES_CHANGED = "emergency_choices_changed", "a modifié les accès en urgence au DMP"
    # The patient's preference (Mon espace santé): documents added from now on arrive masked, or not.
    NEW_DOCUMENTS_MASKING_CHANGED = (
        "new_documents_masking",
        "a modifié le masquage des nouveaux documents aux professionnels",
    )
    # Habilitation matrix cells (documents/habilitations.py): no patient, the actor's chain.
    HABILITATION_CHANGED = "habilitation_changed", "a modifié la matrice d'habilitation"
    HABILITATION_REMOVED = "habilitation_removed", "a supprimé une règle de la matrice d'habilitation"
    HABILITATIONS_IMPORTED = "habilitations_imported", "a importé la matrice d'habilitation"
    # The professional's own account (accounts/open_sessions.py).
    SESSION_ENDED = "session_ended", "a mis fin à une autre de ses sessions"
    ECPS_ACTIVATED = "ecps_activated", "a activé une application e-CPS"
    ECPS_SUSPENDED = "ecps_suspended", "a suspendu l'application e-CPS"
    ECPS_REACTIVATED = "ecps_reactivated", "a réactivé l'application e-CPS"
    # The trainer's workshop sessions (workshop/services.py): the trainer's chain, or the system's
    # for the `workshop_reset` command; `details` names the session (and the post).
    WORKSHOP_SESSION_CREATED = "workshop_created", "a créé une session d'atelier"
    WORKSHOP_SANDBOXES_RESET = "workshop_reset", "a réinitialisé des bacs à sable d'atelier"
    WORKSHOP_SESSION_ENDED = "workshop_ended", "a terminé une session d'atelier"
    # Secure messaging (messaging/services.py): in the patient's history, never the content.
    SECURE_MESSAGE_SENT = "secure_message_sent", "a envoyé un message sécurisé au patient"
    DOCUMENT_SENT_BY_MESSAGE = "document_sent_by_message", "a envoyé par messagerie sécurisée le document"


# Actions whose sentence ends with their details: whom a block names, which stay, which cell.
DETAILED_ACTIONS = frozenset(
    {
        Action.BLOCK_ADDED,
        Action.BLOCK_REMOVED,
        Action.CARE_STAY_ADDED,
        Action.CARE_STAY_CHANGED,
        Action.CARE_STAY_REMOVED,
        Action.ATTENDING_PHYSICIAN_ADDED,
        Action.ATTENDING_PHYSICIAN_REMOVED,
        Action.DMP_CLOSED,
        Action.DMP_CLOSED_AT_PATIENT_REQUEST,
        Action.EMERGENCY_CHOICES_CHANGED,
        Action.NEW_DOCUMENTS_MASKING_CHANGED,
        Action.HABILITATION_CHANGED,
        Action.HABILITATION_REMOVED,
        Action.HABILITATIONS_IMPORTED,
        Action.WORKSHOP_SESSION_CREATED,
        Action.WORKSHOP_SANDBOXES_RESET,
        Action.WORKSHOP_SESSION_ENDED,
    }
)


# The same actions told without naming the document, for a reader who may not see it
# (documents/history.py decides who may).
UNNAMED_DOCUMENT_SENTENCES = {
    Action.DOCUMENT_VIEWED: "a consulté un document",
    Action.DOCUMENT_DOWNLOADED: "a téléchargé un document",
    Action.DOCUMENT_ADDED: "a ajouté un document",
    Action.DOCUMENT_MASKED: "a masqué un document",
    Action.DOCUMENT_UNMASKED: "a démasqué un document",
    Action.DOCUMENT_ARCHIVED: "a archivé un document",
    Action.DOCUMENT_DELETED: "a supprimé un document",
    Action.DOCUMENT_CONFIDENTIALITY_CHANGED: "a modifié la confidentialité d'un document",
    Action.ADMIN_DOCUMENT_VIEWED: "a consulté depuis l'administration un document",
    Action.DOCUMENT_SENT_BY_MESSAGE: "a envoyé un document par messagerie sécurisée",
}


class Trace(models.Model):
    """One action, never updated, never deleted (database triggers: audit/triggers.py)."""

    # Position in the chain (see module docstring): chain key, rank, predecessor's seal, own seal.
    chain = models.CharField("chaîne", max_length=40, editable=False)
    seq = models.PositiveBigIntegerField("rang dans la chaîne", editable=False)
    prev_hash = models.CharField("empreinte précédente", max_length=64, editable=False)
    hash = models.CharField("empreinte", max_length=64, editable=False)
    # The key that sealed this trace (HMAC-SHA256), by id: keys rotate (audit/sealing.py).
    key_id = models.CharField("clé de scellement", max_length=20, editable=False)

    created_at = models.DateTimeField("date", editable=False)
    # PROTECT: the actor's account cannot vanish from under their traces.
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
            # "Historique des accès": a patient's traces, most recent first, a page after another
            # (keyset on created_at, id: patients/history.py)
            models.Index(fields=["patient", "-created_at", "-id"], name="audit_trace_patient_idx"),
            # "Vos actions (N)": one actor's traces on one patient
            models.Index(
                fields=["patient", "actor", "-created_at", "-id"], name="audit_trace_patient_actor_idx"
            ),
            # The admin's trace list (audit/admin.py): newest first, by date, and by action.
            models.Index(fields=["-created_at", "-id"], name="audit_trace_created_idx"),
            models.Index(fields=["action", "-created_at", "-id"], name="audit_trace_action_idx"),
            # "Le DMP en chiffres": DMP openings counted by mode (workshop/statistics.py) by an
            # index-only scan of the openings alone; partial, so other traces do not pay for it.
            models.Index(
                fields=["mode"],
                condition=Q(action=Action.RECORD_OPENED),
                name="audit_trace_opening_mode_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=Action.values), name="audit_trace_action_valid"),
            # Two traces can never claim the same place in a chain: a fork is impossible.
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_trace_chain_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%d/%m/%Y %H:%M:%S} {self.actor_label} {self.sentence}"

    @property
    def sentence(self) -> str:
        """The "Action réalisée" column: "a accédé au DMP en mode bris de glace (motif : …)"."""
        label = self.get_action_display()
        if self.action == Action.EMERGENCY_ACCESS and self.details:
            return f"{label} (motif : {self.details})"
        if self.action in DETAILED_ACTIONS and self.details:
            return f"{label} : {self.details}"
        if self.document_title:
            return f"{label} « {self.document_title} »"
        return label

    @property
    def is_about_a_document(self) -> bool:
        return self.document_code is not None or bool(self.document_title)

    @property
    def sentence_without_title(self) -> str:
        """The "Action réalisée" column for a reader who may not see the document: "a consulté un
        document", no title."""
        if not self.is_about_a_document:
            return self.sentence
        return UNNAMED_DOCUMENT_SENTENCES.get(self.action, self.get_action_display())

    def payload(self) -> bytes:
        """What the seal covers: the predecessor's seal and every field the patient could rely
        on, and the key id (so that a trace cannot be passed off under another key). A legacy
        trace's payload is the former one, without the key id (audit/sealing.py)."""
        payload = [
            self.chain,
            self.seq,
            self.prev_hash,
            self.created_at.isoformat(),
            self.actor_id,
            self.actor_label,
            self.patient_id,
            self.action,
            self.mode,
            str(self.document_code) if self.document_code else "",
            self.document_title,
            self.details,
            self.client_address or "",
        ]
        if self.key_id != sealing.LEGACY_KEY_ID:
            payload.append(self.key_id)
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class ChainHead(models.Model):
    """The last link of each chain: the lock row writers queue on, and the witness that reveals
    a trace removed from the end of a chain (which the links alone could not show)."""

    chain = models.CharField("chaîne", max_length=40, unique=True)
    seq = models.PositiveBigIntegerField("dernier rang")
    hash = models.CharField("dernière empreinte", max_length=64)

    class Meta:
        verbose_name = "tête de chaîne"
        verbose_name_plural = "têtes de chaîne"

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq}"


class NotificationKind(models.TextChoices):
    FIRST_ACCESS = "first_access", "Première consultation par un professionnel"
    EMERGENCY_ACCESS = "emergency_access", "Accès en urgence"
    # A secure message relayed to another MSSanté operator (messaging/services.py).
    SECURE_MESSAGE = "secure_message", "Message sécurisé relayé"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Envoyée"


class Notification(models.Model):
    """The outbox: an email to the patient, written in the same transaction as its trace, or a
    secure message relayed to an address outside the portal, written with the message."""

    # PROTECT: the outbox row is the proof the patient was (or will be) told. None: a relayed message.
    trace = models.OneToOneField(
        Trace, models.PROTECT, null=True, blank=True, related_name="notification", verbose_name="trace"
    )
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="patient"
    )
    kind = models.CharField("type", max_length=20, choices=NotificationKind)
    to_email = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=200)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML", blank=True)
    # A relayed message's files, read from the storage when sent: [{"name", "stored_name", "mime_type"}].
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=NotificationStatus, default=NotificationStatus.PENDING
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    # A sender claims the row until then, sends outside any transaction, then marks it sent.
    claimed_until = models.DateTimeField("réservée jusqu'au", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "notification au patient"
        verbose_name_plural = "notifications aux patients"
        indexes = [
            # send_notifications: the pending rows, oldest first
            models.Index(fields=["status", "created_at"], name="audit_notification_pending_idx"),
            # Mon espace santé's "Notifications reçues": a patient's, newest first, by keyset pages
            models.Index(fields=["patient", "-id"], name="audit_notification_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="audit_notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="audit_notification_kind_valid"
            ),
            # A notification to the patient follows its trace; a relayed message has neither.
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.SECURE_MESSAGE, trace__isnull=True, patient__isnull=True)
                | (~Q(kind=NotificationKind.SECURE_MESSAGE) & Q(trace__isnull=False, patient__isnull=False)),
                name="audit_notification_trace_unless_relay",
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.PENDING, sent_at__isnull=True)
                | Q(status=NotificationStatus.SENT, sent_at__isnull=False),
                name="audit_notification_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.get_status_display()})"
