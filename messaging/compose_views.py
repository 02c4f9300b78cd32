"""Writing a message: "Nouveau message" and "Répondre".

`?a=<address>` prefills one recipient (the Annuaire santé's and Informations Patient's "Écrire"
links); `?document=<code>` attaches a DMP document (from its page), which the service checks the
sender sees and every patient recipient would. Attachments go through the file pipeline
(documents/filestore.py): the 5 Mo limit while the body streams, then the content checks.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from documents.filestore import size_limited_upload
from documents.models import Document
from messaging import services
from messaging.forms import ComposeForm
from messaging.lookup import own_mailbox_ids, readable_message
from messaging.models import Mailbox, MailboxKind, Message
from patients.scope import reachable_through

MAX_PREFILL_LENGTH = 254  # an address, at most


def _documents(request: HttpRequest, codes: list[str]) -> list[Document]:
    """DMP documents named in the URL, within the request's patients (visibility: the service)."""
    valid = []
    for code in codes[: services.MAX_ATTACHMENTS]:
        try:
            valid.append(uuid.UUID(code))
        except ValueError:
            continue
    if not valid:
        return []
    return list(
        Document.objects.filter(code__in=valid)
        .filter(reachable_through(request, "patient"))
        .select_related("patient")
    )


def _reply_defaults(message: Message, ids: list[int]) -> dict:
    """Reply to the sender, from the mailbox that received it; to one's own message, to its
    recipients again, from the same mailbox."""
    deliveries = list(message.deliveries.select_related("mailbox"))
    if message.sender_id in ids:
        to = [d.mailbox.address for d in deliveries if d.mailbox_id not in ids] + message.relayed_to
        sender = message.sender
    else:
        to = [message.sender.address]
        sender = next((d.mailbox for d in deliveries if d.mailbox_id in ids), None)
    subject = message.subject if message.subject.lower().startswith("re") else f"RE : {message.subject}"
    return {
        "recipients": ", ".join(to),
        "subject": subject[:200],
        "sender": str(sender.code) if sender else None,
    }


def _write(request: HttpRequest, *, in_reply_to: Message | None, initial: dict) -> HttpResponse:
    ids = own_mailbox_ids(request)
    own = list(
        Mailbox.objects.filter(pk__in=ids).exclude(kind=MailboxKind.PATIENT).order_by("-kind", "address")
    )
    source = request.POST if request.method == "POST" else request.GET
    documents = _documents(request, source.getlist("document"))
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, mailboxes=own)
        if form.is_valid():
            data = form.cleaned_data
            draft = services.Draft(
                subject=data["subject"],
                body=data["body"],
                files=tuple(data["attachments"]),
                documents=tuple(documents),
            )
            try:
                message = services.message_send(
                    professional=request.user,
                    sender=data["sender"],
                    addresses=data["recipients"],
                    draft=draft,
                    in_reply_to=in_reply_to,
                    request=request,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, ValidationError(getattr(error, "messages", None) or [str(error)]))
            else:
                messages.success(request, "Votre message sécurisé a été envoyé.")
                return redirect("messaging:message", code=message.code)
    else:
        form = ComposeForm(initial=initial, mailboxes=own)
    context = {"form": form, "in_reply_to": in_reply_to, "documents": documents}
    return render(request, "messaging/message_form.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@size_limited_upload
def compose(request: HttpRequest) -> HttpResponse:
    return _write(
        request, in_reply_to=None, initial={"recipients": request.GET.get("a", "")[:MAX_PREFILL_LENGTH]}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@size_limited_upload
def reply(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    ids = own_mailbox_ids(request)
    message = readable_message(ids, code)
    return _write(request, in_reply_to=message, initial=_reply_defaults(message, ids))
