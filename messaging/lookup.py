"""The one lookup every messaging view uses: a message or an attachment the viewer may read, or
404 (never 403: a message one may not read does not exist, whatever its code)."""

import uuid

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.viewer import Viewer
from messaging.mailboxes import mailbox_ids_of, personal_mailbox
from messaging.models import Attachment, Message


def own_mailbox_ids(request: HttpRequest) -> list[int]:
    """The request's mailboxes; a professional's personal one is made on their first visit."""
    viewer: Viewer = request.viewer
    if viewer.is_professional and viewer.user is not None:
        personal_mailbox(viewer.user)
    return mailbox_ids_of(viewer)


def readable_message(mailbox_ids: list[int], code: uuid.UUID) -> Message:
    return get_object_or_404(Message.objects.readable_by(mailbox_ids).select_related("sender"), code=code)


def readable_attachment(mailbox_ids: list[int], code: uuid.UUID) -> Attachment:
    attachment = Attachment.objects.filter(code=code).select_related("message").first()
    if (
        attachment is None
        or not Message.objects.readable_by(mailbox_ids).filter(pk=attachment.message_id).exists()
    ):
        raise Http404("Pièce jointe introuvable.")
    return attachment
