"""The lists of a reader's mail: received, sent, one conversation; keyset-paginated and searched.

Each list is one query whatever its length (plus one for the recipients of sent messages and one
for a conversation's attachments), served by an index: Delivery (mailbox, -delivered_at, -id) for
"Messages reçus", Message (sender, -sent_at, -id) for "Messages envoyés", Message (thread,
sent_at) for a conversation. Pages follow the last row seen (`apres=<microseconds>-<id>`): nothing
is counted, and a page costs the same at the 10th or the 10,000th message.

Search ("Rechercher dans mes messages") looks at the subject, the body and the correspondent's
name of the reader's SEARCH_WINDOW most recent messages: bounded, so that a word nobody wrote costs
at most that many rows, not the whole mailbox (older mail is found by scrolling).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.viewer import Viewer
from messaging.models import Attachment, Delivery, Message, ReadMark

PAGE_SIZE = 25
SEARCH_WINDOW = 2_000
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Cursor:
    at: datetime
    pk: int

    def __str__(self) -> str:
        return f"{int(self.at.timestamp() * 1_000_000)}-{self.pk}"

    @classmethod
    def parse(cls, value: str | None) -> "Cursor | None":
        """`apres=…` from the URL; anything malformed is the first page, never an error."""
        micros, _, pk = (value or "").partition("-")
        if not (micros.isdigit() and pk.isdigit()) or len(micros) > 20 or len(pk) > 19:
            return None
        try:
            at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return cls(at, int(pk))


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: Cursor | None


def _after(rows: QuerySet, field: str, cursor: Cursor | None) -> QuerySet:
    if cursor is None:
        return rows
    return rows.filter(Q(**{f"{field}__lt": cursor.at}) | Q(**{field: cursor.at, "pk__lt": cursor.pk}))


def _page(rows: QuerySet, field: str, cursor: Cursor | None) -> Page:
    found = list(_after(rows, field, cursor).order_by(f"-{field}", "-pk")[: PAGE_SIZE + 1])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    last = found[-1] if more else None
    return Page(found, Cursor(getattr(last, field), last.pk) if last is not None else None)


def _matching(query: str, prefix: str, correspondent: str) -> Q:
    return (
        Q(**{f"{prefix}subject__icontains": query})
        | Q(**{f"{prefix}body__icontains": query})
        | Q(**{f"{correspondent}__icontains": query})
    )


def read_marks_of(viewer: Viewer) -> QuerySet[ReadMark]:
    """The viewer's own read marks: a professional's, or the patient's (no reader account)."""
    if viewer.is_professional:
        return ReadMark.objects.filter(reader=viewer.user)
    return ReadMark.objects.filter(reader__isnull=True)


def received(viewer: Viewer, mailbox_ids: list[int], *, cursor: Cursor | None, query: str = "") -> Page:
    """Messages delivered to these mailboxes, newest first, each with `unread` for this reader."""
    deliveries = Delivery.objects.filter(mailbox_id__in=mailbox_ids)
    if query:
        window = deliveries.order_by("-delivered_at", "-pk").values("pk")[:SEARCH_WINDOW]
        deliveries = deliveries.filter(pk__in=window).filter(
            _matching(query[:MAX_QUERY_LENGTH], "message__", "message__sender__label")
        )
    deliveries = deliveries.select_related("message__sender", "mailbox").annotate(
        unread=~Exists(read_marks_of(viewer).filter(delivery=OuterRef("pk"))),
        has_attachments=Exists(Attachment.objects.filter(message=OuterRef("message"))),
    )
    return _page(deliveries, "delivered_at", cursor)


def sent(mailbox_ids: list[int], *, cursor: Cursor | None, query: str = "") -> Page:
    """Messages sent from these mailboxes, newest first, with their recipients (one more query)."""
    messages = Message.objects.filter(sender_id__in=mailbox_ids)
    if query:
        window = messages.order_by("-sent_at", "-pk").values("pk")[:SEARCH_WINDOW]
        messages = (
            messages.filter(pk__in=window)
            .filter(_matching(query[:MAX_QUERY_LENGTH], "", "deliveries__mailbox__label"))
            .distinct()
        )
    messages = (
        messages.select_related("sender")
        .prefetch_related(Prefetch("deliveries", Delivery.objects.select_related("mailbox").order_by("pk")))
        .annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
    )
    return _page(messages, "sent_at", cursor)


def conversation(mailbox_ids: list[int], message: Message) -> list[Message]:
    """The messages of `message`'s conversation these mailboxes may read, oldest first."""
    return list(
        Message.objects.readable_by(mailbox_ids)
        .filter(thread_id=message.thread_id)
        .select_related("sender", "author")
        .prefetch_related(
            Prefetch("deliveries", Delivery.objects.select_related("mailbox").order_by("pk")),
            Prefetch("attachments", Attachment.objects.order_by("pk")),
        )
        .order_by("sent_at", "pk")
    )
