"""Sélection du patient without the Carte Vitale: "Rechercher un patient" and "Accès par matricule INS".

Both take the patient's identity by POST, never in the URL (URLs end up in server and proxy logs).
Their pages, like every signed-in page, are never stored (dmp_portal.middleware). The search and
its trace are one transaction (patients/search.py).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from patients.search import (
    INS_NOT_FOUND_MESSAGE,
    NO_RESULT_MESSAGE,
    TOO_MANY_MESSAGE,
    IdentitySearchForm,
    INSSearchForm,
    identity_search,
    ins_search,
)


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """GET: the empty criteria. POST: the criteria checked, then the matching patients (or why none)."""
    today = timezone.localdate()
    result = None
    if request.method == "POST":
        form = IdentitySearchForm(request.POST, today=today)
        if form.is_valid():
            result = identity_search(
                professional=request.user,  # type: ignore[arg-type]
                criteria=form.criteria(),
                today=today,
                request=request,
            )
    else:
        form = IdentitySearchForm(today=today)
    context = {
        "form": form,
        "result": result,
        "too_many_message": TOO_MANY_MESSAGE,
        "no_result_message": NO_RESULT_MESSAGE,
    }
    return render(request, "patients/search.html", context)


@require_http_methods(["GET", "POST"])
def search_ins(request: HttpRequest) -> HttpResponse:
    """POST: the DMP of the patient with this INS matricule; else the form again with the reason,
    in French. GET (the page's address typed again, or reloaded): the empty form, nothing searched."""
    if request.method == "GET":
        return render(request, "patients/search_ins.html", {"form": INSSearchForm()})
    form = INSSearchForm(request.POST)
    if form.is_valid():
        patient = ins_search(
            professional=request.user,  # type: ignore[arg-type]
            ins=form.cleaned_data["ins"],
            request=request,
        )
        if patient is not None:
            return redirect("patients:open", patient.code)
        form.add_error("ins", INS_NOT_FOUND_MESSAGE)
    return render(request, "patients/search_ins.html", {"form": form})
