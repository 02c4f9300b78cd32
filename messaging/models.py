"""MSSanté secure messaging: mailboxes, messages, their copies in each recipient's box, who read
them, and their attachments.

A message is written once (Message) and delivered as one row per recipient mailbox (Delivery),
in the sender's transaction. Who may read a message is decided in one place,
`Message.objects.readable_by(mailbox_ids)`: the sender's mailbox and the recipients' mailboxes,
and nobody else (an organisational mailbox is read by its members: messaging/mailboxes.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from documents.filestore import random_name

ATTACHMENTS_DIRECTORY = "attachments"  # where the file pipeline stores them


class MailboxKind(models.TextChoices):
    PERSONAL = "personnelle", "Boîte aux lettres personnelle"
    ORGANISATION = "organisationnelle", "Boîte aux lettres organisationnelle"
    PATIENT = "patient", "Messagerie de Mon espace santé"


class Mailbox(models.Model):
    """An MSSanté address the portal delivers to: a professional's own, one shared by the
    members of a service (``pharmacie@chru-nancy.mssante.fr``), or a patient's
    (``<INS>@patient.mssante.fr``)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique for professionals' mailboxes; a patient's is unique per scope, as the INS is (a
    # workshop sandbox holds copies of the demo patients): found through the patient, never alone.
    address = models.EmailField("adresse MSSanté", max_length=254)
    # The part after "@": tells an unknown address of a domain the portal hosts from another one.
    domain = models.CharField("domaine", max_length=200, editable=False)
    kind = models.CharField("type", max_length=20, choices=MailboxKind)
    label = models.CharField("nom affiché", max_length=200)
    # PROTECT: a professional's mailbox holds messages that must outlive a change of account.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="titulaire",
    )
    # PROTECT: a patient's messages are kept with the patient.
    patient = models.ForeignKey(
        "patients.Patient", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="patient"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_mailboxes", verbose_name="membres"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "boîte aux lettres MSSanté"
        verbose_name_plural = "boîtes aux lettres MSSanté"
        ordering = ["address"]
        indexes = [
            # recipients: "is this unknown address in a domain the portal hosts?"
            models.Index(fields=["domain"], name="messaging_mailbox_domain_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MailboxKind.values), name="messaging_mailbox_kind_valid"
            ),
            # Also the index of recipients' look-up by address.
            models.UniqueConstraint(
                fields=["address"],
                condition=~Q(kind=MailboxKind.PATIENT),
                name="messaging_mailbox_professional_address_unique",
            ),
            # Who a mailbox belongs to follows from its kind, and only from it.
            models.CheckConstraint(
                condition=Q(kind=MailboxKind.PERSONAL, owner__isnull=False, patient__isnull=True)
                | Q(kind=MailboxKind.PATIENT, owner__isnull=True, patient__isnull=False)
                | Q(kind=MailboxKind.ORGANISATION, owner__isnull=True, patient__isnull=True),
                name="messaging_mailbox_holder_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(kind=MailboxKind.PERSONAL),
                name="messaging_mailbox_one_personal_per_professional",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(kind=MailboxKind.PATIENT),
                name="messaging_mailbox_one_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} <{self.address}>"

    def clean(self) -> None:
        # Addresses compare lower-cased; the domain is the address's (full_clean, admin included).
        self.address = self.address.strip().lower()
        self.domain = self.address.rpartition("@")[2]


class OrganisationMailbox(Mailbox):
    """The admin's view of the mailboxes a service shares (messaging/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = "boîte aux lettres organisationnelle"
        verbose_name_plural = "boîtes aux lettres organisationnelles"


class MessageQuerySet(models.QuerySet):
    def readable_by(self, mailbox_ids: list[int]) -> "MessageQuerySet":
        """The messages sent from, or delivered to, one of these mailboxes; nothing for none."""
        if not mailbox_ids:
            return self.none()
        delivered = Delivery.objects.filter(message=OuterRef("pk"), mailbox_id__in=mailbox_ids)
        return self.filter(Q(sender_id__in=mailbox_ids) | Exists(delivered))


class Message(models.Model):
    """One message as its sender wrote it; its recipients' copies are Delivery rows."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: a mailbox with messages stays (its messages are someone's correspondence). No index
    # of its own: messaging_message_sent_idx starts with it.
    sender = models.ForeignKey(
        Mailbox, models.PROTECT, related_name="sent_messages", verbose_name="expéditeur", db_index=False
    )
    # The professional who wrote it (one member of an organisational mailbox); none for a patient.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message", max_length=20_000)
    sent_at = models.DateTimeField("envoyé le")
    # The conversation's first message (itself for the first one: set once it has its id).
    # PROTECT: a conversation is not cut in the middle.
    thread = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="conversation"
    )
    in_reply_to = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="replies", verbose_name="en réponse à"
    )
    # Addresses outside the portal it was relayed to by SMTP (audit.Notification rows send it).
    relayed_to = models.JSONField("relayé à", default=list, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message sécurisé"
        verbose_name_plural = "messages sécurisés"
        indexes = [
            # "Messages envoyés": a mailbox's messages, most recent first (keyset on sent_at, id)
            models.Index(fields=["sender", "-sent_at", "-id"], name="messaging_message_sent_idx"),
            # the conversation page: a thread's messages in order
            models.Index(fields=["thread", "sent_at"], name="messaging_message_thread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """A message in one recipient mailbox, delivered in the sender's transaction."""

    # CASCADE: a copy exists only with its message.
    message = models.ForeignKey(Message, models.CASCADE, related_name="deliveries", verbose_name="message")
    # PROTECT: a mailbox that received messages stays. No index of its own:
    # messaging_delivery_inbox_idx starts with it.
    mailbox = models.ForeignKey(
        Mailbox, models.PROTECT, related_name="deliveries", verbose_name="destinataire", db_index=False
    )
    # The message's sent_at, copied so that an inbox is one index range (keyset on it and id).
    delivered_at = models.DateTimeField("reçu le")

    class Meta:
        verbose_name = "remise"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "mailbox"], name="messaging_delivery_once_per_mailbox"
            ),
        ]
        indexes = [
            # "Messages reçus": a mailbox's deliveries, most recent first (keyset on delivered_at, id)
            models.Index(fields=["mailbox", "-delivered_at", "-id"], name="messaging_delivery_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.mailbox.address}"


class ReadMark(models.Model):
    """Who has read a delivered message: each member of an organisational mailbox for themself;
    the patient (no reader account) for a patient's mailbox."""

    # CASCADE: a mark is only about its delivery.
    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="read_marks", verbose_name="remise")
    # CASCADE: a reader's marks mean nothing without the reader. None: the patient.
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lecteur",
    )
    read_at = models.DateTimeField("lu le")

    class Meta:
        verbose_name = "lecture"
        constraints = [
            models.UniqueConstraint(fields=["delivery", "reader"], name="messaging_readmark_once_per_reader"),
            models.UniqueConstraint(
                fields=["delivery"],
                condition=Q(reader__isnull=True),
                name="messaging_readmark_once_by_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} lu le {self.read_at:%d/%m/%Y}"


def attachment_file_name(instance: "Attachment", filename: str) -> str:
    """A random storage name, as the file pipeline gives; for a file assigned to the field directly."""
    return random_name(ATTACHMENTS_DIRECTORY)


class Attachment(models.Model):
    """A file joined to a message: uploaded (through the file pipeline) or a DMP document (its
    stored file, not a copy)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # CASCADE: an attachment is part of its message.
    message = models.ForeignKey(Message, models.CASCADE, related_name="attachments", verbose_name="message")
    file = models.FileField("fichier", upload_to=attachment_file_name, max_length=100)
    original_filename = models.CharField("nom du fichier", max_length=255)
    mime_type = models.CharField("type MIME", max_length=100)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    # PROTECT: the document a professional sent stays (deletion of a document is logical anyway).
    document = models.ForeignKey(
        "documents.Document",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="document du DMP",
    )

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="messaging_attachment_sha256_hex"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="messaging_attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_filename
