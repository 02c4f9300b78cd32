"""One conversation, its attachments, and filing an attachment into a patient's DMP.

Every object comes through messaging/lookup.py: a message (or an attachment of a message) the
viewer's mailboxes neither sent nor received is a 404, whatever its code.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import filestore
from messaging import listing, services
from messaging.forms import AttachmentFilingForm
from messaging.lookup import own_mailbox_ids, readable_attachment, readable_message
from messaging.models import Attachment, Mailbox, MailboxKind
from patients.scope import patients_for

UNKNOWN_PATIENT = "Aucun patient accessible ne porte ce matricule INS."


@never_cache
@require_GET
def message(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The conversation, oldest first; its messages are marked read for this reader."""
    ids = own_mailbox_ids(request)
    shown = readable_message(ids, code)
    thread = listing.conversation(ids, shown)
    services.message_mark_read(viewer=request.viewer, messages=thread)
    return render(
        request, "messaging/message_detail.html", {"message": shown, "thread": thread, "own_ids": ids}
    )


@require_POST
def mark_unread(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """ "Marquer comme non lu": for this reader only (the other members keep theirs)."""
    message = readable_message(own_mailbox_ids(request), code)
    services.message_mark_unread(viewer=request.viewer, message=message)
    messages.info(request, "Le message est marqué comme non lu.")
    return redirect("messaging:inbox")


def serve_attachment(attachment: Attachment) -> HttpResponse:
    """The pipeline's answer: inline when the browser shows the type, else a download."""
    return filestore.file_response(
        filename=attachment.original_filename,
        mime_type=attachment.mime_type,
        inline=filestore.opens_inline(attachment.mime_type),
        stored_name=attachment.file.name,
    )


@require_GET
def attachment(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return serve_attachment(readable_attachment(own_mailbox_ids(request), code))


def _patient_ins(attachment: Attachment) -> str:
    """The INS of the patient the conversation is with, if any (to prefill the filing form)."""
    message = attachment.message
    patient_box = (
        Mailbox.objects.filter(kind=MailboxKind.PATIENT)
        .filter(pk__in=[message.sender_id, *message.deliveries.values_list("mailbox_id", flat=True)])
        .select_related("patient")
        .first()
    )
    return patient_box.patient.ins if patient_box else ""


@never_cache
@require_http_methods(["GET", "POST"])
def attachment_file(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """ "Enregistrer dans le DMP": type, title, confidentiality; documents.services decides."""
    attachment = readable_attachment(own_mailbox_ids(request), code)
    if request.method == "POST":
        form = AttachmentFilingForm(request.POST, professional=request.user)
        if form.is_valid():
            patient = patients_for(request).filter(ins=form.cleaned_data["ins"]).first()
            if patient is None:
                form.add_error("ins", UNKNOWN_PATIENT)
            else:
                try:
                    document = services.attachment_save_to_record(
                        professional=request.user,
                        attachment=attachment,
                        patient=patient,
                        request=request,
                        **form.description_arguments(),
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, ValidationError(getattr(error, "messages", None) or [str(error)]))
                else:
                    messages.success(request, f"Le document « {document.title} » a été ajouté au DMP.")
                    return redirect("messaging:message", code=attachment.message.code)
    else:
        title = attachment.original_filename.rpartition(".")[0] or attachment.original_filename
        form = AttachmentFilingForm(
            initial={"ins": _patient_ins(attachment), "title": title}, professional=request.user
        )
    return render(request, "messaging/attachment_file.html", {"attachment": attachment, "form": form})
