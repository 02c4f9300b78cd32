"""MESSAGERIE: "Messages reçus" and "Messages envoyés", searched and paginated (messaging/listing.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from messaging import listing
from messaging.lookup import own_mailbox_ids
from messaging.models import Mailbox


def _context(request: HttpRequest, box: str, ids: list[int], page: listing.Page, query: str) -> dict:
    return {
        "box": box,
        "page": page,
        "query": query,
        "mailboxes": list(Mailbox.objects.filter(pk__in=ids).order_by("-kind", "address")),
    }


@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    ids = own_mailbox_ids(request)
    query = request.GET.get("q", "").strip()
    page = listing.received(
        request.viewer, ids, cursor=listing.Cursor.parse(request.GET.get("apres")), query=query
    )
    return render(request, "messaging/mailbox.html", _context(request, "received", ids, page, query))


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    ids = own_mailbox_ids(request)
    query = request.GET.get("q", "").strip()
    page = listing.sent(ids, cursor=listing.Cursor.parse(request.GET.get("apres")), query=query)
    return render(request, "messaging/mailbox.html", _context(request, "sent", ids, page, query))
