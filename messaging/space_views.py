"""Mon espace santé's MESSAGERIE: the patient reads what professionals wrote to them and answers
them; they never write first (messaging.services.patient_reply). The gate is the space's
(patients.space_views.space_view); the mailbox is the session's record's, never a URL's, and a
legal representative has none here (messaging/mailboxes.py).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from documents.filestore import size_limited_upload
from messaging import listing, services
from messaging.forms import PatientReplyForm
from messaging.lookup import readable_attachment, readable_message
from messaging.mailboxes import mailbox_ids_of
from messaging.message_views import serve_attachment
from messaging.models import MailboxKind
from patients import space
from patients.space_views import space_view


@space_view
@require_GET
def inbox(request: HttpRequest, current: space.Space) -> HttpResponse:
    ids = mailbox_ids_of(current.viewer)
    query = request.GET.get("q", "").strip()
    page = listing.received(
        current.viewer, ids, cursor=listing.Cursor.parse(request.GET.get("apres")), query=query
    )
    context = {"current": current, "section": "messages", "page": page, "query": query}
    return render(request, "messaging/space_mailbox.html", context)


@space_view
@require_http_methods(["GET", "POST"])
@size_limited_upload
def message(request: HttpRequest, current: space.Space, code: uuid.UUID) -> HttpResponse:
    """The conversation, and the answer to its last professional's message (never a first word)."""
    ids = mailbox_ids_of(current.viewer)
    shown = readable_message(ids, code)
    thread = listing.conversation(ids, shown)
    received = [m for m in thread if m.sender_id not in ids and m.sender.kind != MailboxKind.PATIENT]
    form = PatientReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and received and form.is_valid():
        draft = services.Draft(
            subject=received[-1].subject
            if received[-1].subject.lower().startswith("re")
            else f"RE : {received[-1].subject}",
            body=form.cleaned_data["body"],
            files=tuple(form.cleaned_data["attachments"]),
        )
        try:
            services.patient_reply(viewer=current.viewer, message=received[-1], draft=draft)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, ValidationError(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(request, "Votre réponse a été envoyée.")
            return redirect("space:message", code=shown.code)
    services.message_mark_read(viewer=current.viewer, messages=thread)
    context = {
        "current": current,
        "section": "messages",
        "message": shown,
        "thread": thread,
        "own_ids": ids,
        "form": form if received else None,
    }
    return render(request, "messaging/space_message.html", context)


@space_view
@require_GET
def attachment(request: HttpRequest, current: space.Space, code: uuid.UUID) -> HttpResponse:
    return serve_attachment(readable_attachment(mailbox_ids_of(current.viewer), code))
