"""Sending, reading and filing secure messages; each write in one transaction with its traces.

- `message_send`: a professional writes from one of their mailboxes (their own or an
  organisational one they are a member of) to portal mailboxes, to patients
  (``<INS>@patient.mssante.fr``: messaging/recipients.py checks the key, the scope and that the
  space is open) and to other MSSanté operators (relayed by SMTP through audit's outbox). Files
  come through the file pipeline (documents/filestore.py); DMP documents are attached as they are
  stored (no copy), if the sender sees them and every patient recipient would
  (`Document.objects.visible_to`). Each patient recipient's history reads "a envoyé un message
  sécurisé au patient"; each DMP document sent, its patient's "a envoyé par messagerie sécurisée
  le document".
- `patient_reply`: Mon espace santé's rule: a patient never writes first, and answers only a
  professional who wrote to them, in the conversation they started.
- `message_mark_read`: per reader (each member of an organisational mailbox reads for themself).
- `attachment_save_to_record`: an attachment filed into a patient's DMP, by
  documents.services.document_add (which asks patients.access and writes DOCUMENT_ADDED).
"""

from contextlib import ExitStack
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.viewer import Viewer, ViewerKind
from audit.models import Action
from audit.notifications import enqueue_relay
from audit.services import record
from documents import filestore
from documents.models import Document
from documents.services import document_add
from messaging import mailboxes, recipients
from messaging.models import (
    ATTACHMENTS_DIRECTORY,
    Attachment,
    Delivery,
    Mailbox,
    MailboxKind,
    Message,
    ReadMark,
)
from patients.models import Patient

MAX_ATTACHMENTS = 5  # 5 files of 5 Mo at most: a message stays under 30 Mo (the MSSanté limit)
NOT_YOUR_MAILBOX = "Vous ne pouvez pas écrire depuis cette boîte aux lettres."
TOO_MANY_ATTACHMENTS = f"Un message compte {MAX_ATTACHMENTS} pièces jointes au plus."
NOT_SEEN_BY_PATIENT = "Le document « {title} » n'est pas visible par le patient : il ne peut pas être joint à un message qui lui est adressé."
NOT_SEEN_BY_YOU = "Ce document du DMP n'est pas accessible."
PATIENT_NEVER_WRITES_FIRST = "Vous pouvez seulement répondre à un professionnel de santé qui vous a écrit."


@dataclass(frozen=True)
class Draft:
    """What the sender wrote: subject, body, files accepted by the pipeline, DMP documents."""

    subject: str
    body: str
    files: tuple[filestore.AcceptedFile, ...] = ()
    documents: tuple[Document, ...] = ()


@transaction.atomic
def message_send(
    *,
    professional: User,
    sender: Mailbox,
    addresses: list[str],
    draft: Draft,
    in_reply_to: Message | None = None,
    request: HttpRequest | None = None,
) -> Message:
    viewer = Viewer.for_user(professional)
    own = mailboxes.mailbox_ids_of(viewer)
    if sender.pk not in own:
        raise PermissionDenied(NOT_YOUR_MAILBOX)
    if in_reply_to is not None and not Message.objects.readable_by(own).filter(pk=in_reply_to.pk).exists():
        raise PermissionDenied(NOT_YOUR_MAILBOX)
    found = recipients.resolve(addresses, professional=professional)
    _check_documents(viewer, draft.documents, found.patients)
    message = _deliver(
        sender=sender,
        author=professional,
        mailboxes_to=found.mailboxes,
        relayed=found.relayed,
        draft=draft,
        in_reply_to=in_reply_to,
    )
    for patient in dict.fromkeys(found.patients):
        record(actor=professional, patient=patient, action=Action.SECURE_MESSAGE_SENT, request=request)
    for document in draft.documents:
        record(
            actor=professional,
            patient=document.patient,
            document=document,
            action=Action.DOCUMENT_SENT_BY_MESSAGE,
            request=request,
        )
    return message


@transaction.atomic
def patient_reply(*, viewer: Viewer, message: Message, draft: Draft) -> Message:
    """The patient answers `message`, which a professional sent to them; to its sender only."""
    own = mailboxes.mailbox_ids_of(viewer)
    received = Delivery.objects.filter(message=message, mailbox_id__in=own).exists()
    if viewer.kind is not ViewerKind.PATIENT or not received or message.sender.kind == MailboxKind.PATIENT:
        raise PermissionDenied(PATIENT_NEVER_WRITES_FIRST)
    if draft.documents:
        raise PermissionDenied(NOT_SEEN_BY_YOU)
    sender = Mailbox.objects.get(pk=own[0])
    return _deliver(
        sender=sender,
        author=None,
        mailboxes_to=[message.sender],
        relayed=[],
        draft=draft,
        in_reply_to=message,
    )


def _check_documents(viewer: Viewer, documents: tuple[Document, ...], patients: list[Patient]) -> None:
    """The sender sees each document; each patient recipient would see it in their space."""
    for document in documents:
        if not Document.objects.visible_to(viewer, document.patient).filter(pk=document.pk).exists():
            raise PermissionDenied(NOT_SEEN_BY_YOU)
        for patient in patients:
            as_patient = Viewer.patient_side(person_id=patient.pk, record_id=patient.pk)
            if not Document.objects.visible_to(as_patient, patient).filter(pk=document.pk).exists():
                raise ValidationError(NOT_SEEN_BY_PATIENT.format(title=document.title))


def _deliver(
    *,
    sender: Mailbox,
    author: User | None,
    mailboxes_to: list[Mailbox],
    relayed: list[str],
    draft: Draft,
    in_reply_to: Message | None,
) -> Message:
    if len(draft.files) + len(draft.documents) > MAX_ATTACHMENTS:
        raise ValidationError(TOO_MANY_ATTACHMENTS)
    now = timezone.now()
    message = Message(
        sender=sender,
        author=author,
        subject=draft.subject.strip(),
        body=draft.body,
        sent_at=now,
        in_reply_to=in_reply_to,
        thread_id=in_reply_to.thread_id if in_reply_to is not None else None,
        relayed_to=relayed,
    )
    message.full_clean(exclude=["thread"])
    message.save()
    if message.thread_id is None:
        Message.objects.filter(pk=message.pk).update(thread=message)
        message.thread_id = message.pk
    unique = list(dict.fromkeys(mailboxes_to))
    Delivery.objects.bulk_create(
        [
            Delivery(message=message, mailbox=mailbox, delivered_at=now)
            for mailbox in unique
            if mailbox != sender
        ]
    )
    with ExitStack() as cleanup:
        attachments = [
            _attachment(
                message, cleanup.enter_context(filestore.stored(accepted, directory=ATTACHMENTS_DIRECTORY))
            )
            for accepted in draft.files
        ]
        attachments += [_document_attachment(message, document, cleanup) for document in draft.documents]
        Attachment.objects.bulk_create(attachments)
        for address in relayed:
            enqueue_relay(
                to_email=address,
                from_email=sender.address,
                subject=message.subject,
                body=message.body,
                attachments=[
                    {
                        "name": item.original_filename,
                        "stored_name": item.file.name,
                        "mime_type": item.mime_type,
                    }
                    for item in attachments
                ],
            )
    return message


def _attachment(message: Message, stored: filestore.StoredFile) -> Attachment:
    attachment = Attachment(
        message=message,
        original_filename=stored.original_filename,
        mime_type=stored.mime_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    attachment.file.name = stored.name
    return attachment


def _document_attachment(message: Message, document: Document, cleanup: ExitStack) -> Attachment:
    """A DMP document as stored (the same file, no copy); a free text becomes a stored .txt file."""
    if document.is_text:
        accepted = filestore.accept_bytes(f"{document.title[:100]}.txt", document.text.encode())
        attachment = _attachment(
            message, cleanup.enter_context(filestore.stored(accepted, directory=ATTACHMENTS_DIRECTORY))
        )
    else:
        attachment = Attachment(
            message=message,
            original_filename=document.original_filename or "document",
            mime_type=document.mime_type,
            size=document.size,
            sha256=document.sha256,
        )
        attachment.file.name = document.file.name
    attachment.document = document
    return attachment


def _own_read_marks(viewer: Viewer):  # type: ignore[no-untyped-def]
    return ReadMark.objects.filter(reader=viewer.user) if viewer.is_professional else ReadMark.objects.all()


@transaction.atomic
def message_mark_read(*, viewer: Viewer, messages: list[Message]) -> None:
    """Mark the viewer's copies of these messages read, for this reader only (idempotent; one
    query to find them, one to write the marks)."""
    own = mailboxes.mailbox_ids_of(viewer)
    unread = Delivery.objects.filter(message__in=messages, mailbox_id__in=own).exclude(
        read_marks__in=_own_read_marks(viewer)
    )
    reader = viewer.user if viewer.is_professional else None
    now = timezone.now()
    ReadMark.objects.bulk_create(
        [ReadMark(delivery=delivery, reader=reader, read_at=now) for delivery in unread],
        ignore_conflicts=True,  # marked by a concurrent request of the same reader: read either way
    )


@transaction.atomic
def message_mark_unread(*, viewer: Viewer, message: Message) -> None:
    """ "Marquer comme non lu", for this reader only."""
    own = mailboxes.mailbox_ids_of(viewer)
    _own_read_marks(viewer).filter(delivery__message=message, delivery__mailbox_id__in=own).delete()


@transaction.atomic
def attachment_save_to_record(
    *,
    professional: User,
    attachment: Attachment,
    patient: Patient,
    request: HttpRequest | None = None,
    **document: object,
) -> Document:
    """File the attachment in the patient's DMP through documents.services.document_add (access
    asked there, DOCUMENT_ADDED traced there). The file is judged again by the pipeline's checks,
    as any file entering a DMP is. `document`: document_add's descriptive arguments (type, title,
    date, confidentiality)."""
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise ValidationError("Le fichier de cette pièce jointe est introuvable.") from None
    with handle:
        accepted = filestore.accept(File(handle, name=attachment.original_filename))
        return document_add(
            professional=professional, patient=patient, upload=accepted, request=request, **document
        )
