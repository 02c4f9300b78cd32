"""The lists of a reader's mail: received, sent, one conversation; keyset-paginated and searched.

Each list costs one query per mailbox of the reader (a professional has a few: their own and the
organisational ones they share; plus one for the recipients of sent messages, one for a
conversation's attachments), whatever the number of messages, each an index range: Delivery
(mailbox, -delivered_at, -id) for "Messages reçus", Message (sender, -sent_at, -id) for "Messages
envoyés", Message (thread, sent_at) for a conversation. Pages follow the last row seen
(`apres=<microseconds>-<id>`): nothing is counted, and a page costs the same at the 10th or the
10,000th message.

Search ("Rechercher dans mes messages") looks at the subject, the body and the correspondent's
name of the reader's SEARCH_WINDOW most recent messages: bounded, so that a word nobody wrote costs
at most that many rows, not the whole mailbox (older mail is found by scrolling).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects

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


def _page(per_mailbox: list[QuerySet], field: str, cursor: Cursor | None) -> Page:
    """One index range per mailbox (a professional has a few: their own and the organisational
    ones they share), merged here: `mailbox IN (…) ORDER BY …` would sort every row of them all."""
    ranges = [
        list(_after(rows, field, cursor).order_by(f"-{field}", "-pk")[: PAGE_SIZE + 1])
        for rows in per_mailbox
    ]
    found = sorted(
        (row for rows in ranges for row in rows), key=lambda row: (getattr(row, field), row.pk), reverse=True
    )[: PAGE_SIZE + 1]
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    last = found[-1] if more else None
    return Page(found, Cursor(getattr(last, field), last.pk) if last is not None else None)


def _within_window(rows: QuerySet, field: str) -> QuerySet:
    """Only one mailbox's SEARCH_WINDOW most recent rows: from the date of the last of them."""
    oldest = rows.order_by(f"-{field}", "-pk").values(field)[SEARCH_WINDOW - 1 : SEARCH_WINDOW]
    return rows.filter(Q(**{f"{field}__gte": Subquery(oldest)}) | ~Exists(oldest))


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
    per_mailbox = []
    for mailbox_id in mailbox_ids:
        deliveries = Delivery.objects.filter(mailbox_id=mailbox_id)
        if query:
            deliveries = _within_window(deliveries, "delivered_at").filter(
                _matching(query[:MAX_QUERY_LENGTH], "message__", "message__sender__label")
            )
        per_mailbox.append(
            deliveries.select_related("message__sender", "mailbox").annotate(
                unread=~Exists(read_marks_of(viewer).filter(delivery=OuterRef("pk"))),
                has_attachments=Exists(Attachment.objects.filter(message=OuterRef("message"))),
            )
        )
    return _page(per_mailbox, "delivered_at", cursor)


def sent(mailbox_ids: list[int], *, cursor: Cursor | None, query: str = "") -> Page:
    """Messages sent from these mailboxes, newest first, with their recipients (one more query)."""
    per_mailbox = []
    for mailbox_id in mailbox_ids:
        messages = Message.objects.filter(sender_id=mailbox_id)
        if query:
            messages = (
                _within_window(messages, "sent_at")
                .filter(_matching(query[:MAX_QUERY_LENGTH], "", "deliveries__mailbox__label"))
                .distinct()
            )
        per_mailbox.append(
            messages.select_related("sender").annotate(
                has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk")))
            )
        )
    page = _page(per_mailbox, "sent_at", cursor)
    prefetch_related_objects(
        page.rows, Prefetch("deliveries", Delivery.objects.select_related("mailbox").order_by("pk"))
    )
    return page


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
