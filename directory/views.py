"""The Annuaire santé page: search professionals, see their situations and MSSanté addresses."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.directory import updated_by
from directory.forms import DirectorySearchForm
from directory.search import directory_search

CURSOR = "apres"  # the keyset cursor: the last row of the previous page
BAD_CURSOR_MESSAGE = "Cette page de résultats n'existe pas : voici les premiers résultats."


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """GET only: the criteria are public data (the directory is open to anyone on annuaire.sante.fr),
    so they may sit in the URL, and a page of results can be bookmarked or followed by "Suivants"."""
    form = DirectorySearchForm(request.GET or None)
    page = None
    if form.is_valid():
        cursor = request.GET.get(CURSOR, "")
        page = directory_search(form.criteria(), after=int(cursor) if cursor.isdigit() else None)
        if cursor and (not cursor.isdigit() or not page.cursor_found):
            messages.error(request, BAD_CURSOR_MESSAGE)
    next_query = None
    if page and page.next_cursor is not None:
        query = request.GET.copy()
        query[CURSOR] = str(page.next_cursor)
        next_query = query.urlencode()
    context = {
        "form": form,
        "page": page,
        "rows": [(entry, updated_by(entry.profession_id)) for entry in page.entries] if page else [],
        "next_query": next_query,
        "first_page": bool(request.GET.get(CURSOR)),
    }
    return render(request, "directory/entry_search.html", context)
