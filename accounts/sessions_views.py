"""PARAMÉTRAGES, Mes sessions: the professional's open sessions, and ending the others.

Thin views over accounts.open_sessions, which decides what is listed and writes the traces.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import open_sessions


@never_cache
@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    listing = open_sessions.sessions_of(request)
    return render(request, "accounts/sessions.html", {"listing": listing})


@require_POST
def session_end(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """ "Terminer": one other session of this professional; anyone else's (or none) is 404."""
    if open_sessions.session_end(request, code=code) is None:
        raise Http404("Session inconnue ou déjà terminée.")
    messages.success(request, "La session a été terminée : elle devra s'identifier de nouveau.")
    return redirect("accounts:sessions")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = open_sessions.sessions_end_others(request)
    if ended:
        messages.success(
            request,
            f"{ended} session{'s' if ended > 1 else ''} terminée{'s' if ended > 1 else ''} : "
            "seule la session en cours reste ouverte.",
        )
    else:
        messages.info(request, "Aucune autre session n'était ouverte.")
    return redirect("accounts:sessions")
