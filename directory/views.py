"""The Annuaire santé page: search professionals, see their situations and MSSanté addresses."""

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.directory import ecps_no_contact_message, updated_by
from accounts.models import User
from directory.forms import DirectorySearchForm
from directory.models import DirectoryEntry
from directory.search import directory_search

CURSOR = "apres"  # the keyset cursor: the last row of the previous page
_CURSOR_FORMAT = re.compile(r"^[0-9]{1,18}\Z")  # a row id (64-bit), never a number the database refuses
BAD_CURSOR_MESSAGE = "Cette page de résultats n'existe pas : voici les premiers résultats."


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """GET only: the criteria are public data (the directory is open to anyone on annuaire.sante.fr),
    so they may sit in the URL, and a page of results can be bookmarked or followed by "Suivants"."""
    form = DirectorySearchForm(request.GET or None)
    page = None
    if form.is_valid():
        cursor = request.GET.get(CURSOR, "")
        after = int(cursor) if _CURSOR_FORMAT.match(cursor) else None
        page = directory_search(form.criteria(), after=after)
        if cursor and (after is None or not page.cursor_found):
            messages.error(request, BAD_CURSOR_MESSAGE)
    query = request.GET.copy()
    query.pop(CURSOR, None)
    first_query = query.urlencode()
    next_query = None
    if page and page.next_cursor is not None:
        query[CURSOR] = str(page.next_cursor)
        next_query = query.urlencode()
    context = {
        "form": form,
        "page": page,
        "rows": [(result, _no_contact_notice(result.entry, request.user)) for result in page.results]
        if page
        else [],
        "next_query": next_query,
        "first_page": CURSOR in request.GET,
        "first_query": first_query,
    }
    return render(request, "directory/entry_search.html", context)


def _no_contact_notice(entry: DirectoryEntry, viewer: User) -> str:
    """Workshop step 03: neither email nor mobile blocks e-CPS; the professional's own entry says
    what to do, as "Paramétrages" does."""
    if entry.can_activate_ecps:
        return ""
    if entry.user_id is not None and entry.user_id == viewer.pk:
        return ecps_no_contact_message(viewer)
    return (
        "Ni adresse électronique ni téléphone mobile dans l'annuaire santé : l'application e-CPS ne "
        f"peut pas être activée. Ces informations se mettent à jour {updated_by(entry.profession_id)}."
    )
