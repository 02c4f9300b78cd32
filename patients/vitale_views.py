"""The virtual Carte Vitale reader: pick an inserted card, then the person on it (holder or beneficiary).

Reading a card and choosing a person is a patient search (DESIGN.md §1, step 2): the choice writes one
"a recherché un patient" trace, then hands over to the DMP entry, which decides on access.
The reader exists only where accounts.modes.virtual_readers_enabled() says so (demo, workshop):
elsewhere every page answers 404.
"""

import uuid
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.modes import virtual_readers_enabled
from patients.models import Patient, VitaleCard
from patients.scope import vitale_cards_for
from patients.search import vitale_search


def _virtual_reader(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 unless the virtual readers are on (a real portal reads a real card)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not virtual_readers_enabled(request):
            raise Http404("Lecteur de carte Vitale virtuel indisponible.")
        return view(request, *args, **kwargs)

    return wrapper


def _get_inserted_card(request: HttpRequest, pk: int) -> VitaleCard:
    """The card if it sits in the reader; 404 otherwise (a card in someone's wallet cannot be read)."""
    return get_object_or_404(vitale_cards_for(request).select_related("holder"), pk=pk, in_reader=True)


def _people_on(card: VitaleCard) -> list[Patient]:
    """The holder first, then the beneficiaries from the eldest: the persons this card lets you choose."""
    beneficiaries = card.beneficiaries.exclude(pk=card.holder_id).order_by("birth_date", "pk")
    return [card.holder, *beneficiaries]


@_virtual_reader
@never_cache
@require_GET
def reader(request: HttpRequest) -> HttpResponse:
    """Step 1: the cards inserted in the reader, named by their holder (never by INS)."""
    cards = list(
        vitale_cards_for(request)
        .filter(in_reader=True)
        .select_related("holder")
        .order_by("holder__birth_name", "holder__first_name", "pk")
    )
    return render(request, "patients/vitale_reader.html", {"cards": cards})


@_virtual_reader
@never_cache
@require_http_methods(["GET", "POST"])
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: the holder and beneficiaries of one inserted card; choosing one traces the search
    and opens the DMP entry. A person who is not on this card gives 404."""
    vitale = _get_inserted_card(request, pk)
    people = _people_on(vitale)
    if request.method == "POST":
        patient = _chosen(people, request.POST.get("patient", ""))
        vitale_search(professional=request.user, request=request)
        return redirect("patients:open", patient.code)
    return render(request, "patients/vitale_card.html", {"card": vitale, "people": people})


def _chosen(people: list[Patient], code: str) -> Patient:
    try:
        wanted = uuid.UUID(code)
    except ValueError:
        raise Http404("Personne inconnue sur cette carte.") from None
    for person in people:
        if person.code == wanted:
            return person
    raise Http404("Personne inconnue sur cette carte.")
