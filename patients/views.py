"""MES PATIENTS, the "Autorisation d'accès" page, and the DMP's tabs.

Every DMP page goes through `dmp_view`, the HTML adapter of patients/opening.py's service, which
asks patients.access for the decision: no decision, no page. The views themselves never look at
consents, blocks or care teams.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients import access, services
from patients.forms import EMERGENCY_OPPOSED_NOTICE_ID, AuthorizationForm, PatientRequestCloseForm
from patients.models import Authorization, CareStay, Patient
from patients.opening import Tab, open_dmp, shell_context
from patients.scope import patients_for, record_accesses_for

# Patients whose DMP this browser session has opened (and traced): later pages of the same
# visit are not traced again as "a ouvert le DMP".
OPENED_SESSION_KEY = "dmp_opened_records"
# "Mes patients" lists the most recent accesses, at most this many.
MY_PATIENTS_LIMIT = 50
# Gestion DMP's closing form (its fields are named fermeture-reason, fermeture-confirm).
CLOSE_PREFIX = "fermeture"

DMPView = Callable[..., HttpResponse]  # (request, patient, decision, **other URL arguments)


def dmp_view(view: DMPView) -> Callable[..., HttpResponse]:
    """The HTML adapter of the opening service (patients/opening.py): the DMP page with a favourable
    decision; otherwise the authorization page (when a declaration can lift the refusal) or the
    refusal itself. An unknown patient is a 404. A browser session traces its opening once; the
    Opening is left on the request (`request.dmp_opening`) for pages that need the previous access."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, **url_kwargs: object) -> HttpResponse:
        patient = get_object_or_404(patients_for(request), code=code)
        opened = request.session.get(OPENED_SESSION_KEY, [])
        opening = open_dmp(
            professional=request.user,
            patient=patient,
            already_opened=str(patient.code) in opened,
            request=request,
        )
        if not opening.allowed:
            _forget_opened(request, patient)
            if opening.decision.can_declare:
                return redirect("patients:authorization", code=patient.code)
            return _refused(request, patient, opening.decision)
        if opening.traced:
            request.session[OPENED_SESSION_KEY] = [*opened, str(patient.code)]
        request.dmp_opening = opening
        return view(request, patient, opening.decision, **url_kwargs)

    return wrapper


def _forget_opened(request: HttpRequest, patient: Patient) -> None:
    opened = request.session.get(OPENED_SESSION_KEY, [])
    if str(patient.code) in opened:
        request.session[OPENED_SESSION_KEY] = [code for code in opened if code != str(patient.code)]


def _refused(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    return render(request, "patients/refused.html", {"patient": patient, "decision": decision}, status=403)


@require_GET
def my_patients(request: HttpRequest) -> HttpResponse:
    """MES PATIENTS: the three ways to find a patient, and the patients who authorized me."""
    recent = list(
        record_accesses_for(request).select_related("patient").order_by("-last_access_at")[:MY_PATIENTS_LIMIT]
    )
    facts = access.facts_for_many(request.user, [row.patient for row in recent])
    authorized = [row for row in recent if access.decide(facts[row.patient_id]).allowed]
    return render(request, "patients/my_patients.html", {"authorized": authorized})


@require_GET
@dmp_view
def open_record(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    """The DMP's entry point from a search: the decision is made, the opening traced."""
    return redirect("patients:summary", code=patient.code)


@require_http_methods(["GET", "POST"])
def authorization(request: HttpRequest, code: str) -> HttpResponse:
    """Autorisation d'accès: declare the patient's consent, or an emergency access."""
    patient = get_object_or_404(patients_for(request), code=code)
    facts = access.facts_for(request.user, patient)
    decision = access.decide(facts)
    if decision.allowed:
        return redirect("patients:open", code=patient.code)
    if not decision.can_declare:
        return _refused(request, patient, decision)
    emergency_opposed = access.emergency_opposed(facts)
    form = AuthorizationForm(
        request.POST if request.method == "POST" else None, emergency_opposed=emergency_opposed
    )
    if request.method == "POST" and form.is_valid():
        declared = services.authorization_declare(
            professional=request.user,
            patient=patient,
            kind=form.cleaned_data["declaration"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
        if declared.allowed:
            return redirect("patients:open", code=patient.code)
        if not (emergency_opposed and declared.refusal is access.Refusal.EMERGENCY_OPPOSED):
            form.add_error(None, declared.refusal.value)  # (the page announces the opposition already)
    context = {
        "patient": patient,
        "form": form,
        "emergency_opposed": emergency_opposed,
        "opposition_notice_id": EMERGENCY_OPPOSED_NOTICE_ID,
    }
    return render(request, "patients/authorization.html", context)


@require_GET
@dmp_view
def summary(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    # documents builds on patients (DESIGN.md §2): its "Documents médicaux" block is imported when
    # the page is drawn, so that loading patients never imports documents.
    from documents.summary import summary_context

    context = shell_context(patient, decision, Tab.SUMMARY)
    context |= summary_context(
        viewer=request.user, patient=patient, decision=decision, since=request.dmp_opening.previous_access_at
    )
    return render(request, "patients/summary.html", context)


@require_GET
@dmp_view
def patient_information(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    context = shell_context(
        patient, decision, Tab.INFORMATION, representatives=list(patient.legal_representatives.all())
    )
    return render(request, "patients/information.html", context)


@require_GET
@dmp_view
def management(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    """Gestion DMP: status, médecin traitant DMP, care team, authorized professionals, my own
    access, and closing the DMP at the patient's request."""
    return _management(request, patient, decision, PatientRequestCloseForm(prefix=CLOSE_PREFIX))


def _management(
    request: HttpRequest, patient: Patient, decision: access.Decision, close: PatientRequestCloseForm
) -> HttpResponse:
    active = list(
        Authorization.objects.in_force(timezone.now())
        .filter(patient=patient)
        .select_related("professional__profession")
        .order_by("-declared_at")
    )
    stays = (
        CareStay.objects.current(timezone.localdate()).filter(patient=patient).select_related("establishment")
    )
    context = shell_context(
        patient,
        decision,
        Tab.MANAGEMENT,
        attending=list(patient.dmp_attending_physicians.select_related("profession")),
        stays=list(stays),
        authorizations=active,
        my_declarations=any(item.professional_id == request.user.pk for item in active),
        close=close,
    )
    return render(request, "patients/management.html", context, status=400 if close.errors else 200)


@require_POST
@dmp_view
def close_at_patient_request(
    request: HttpRequest, patient: Patient, decision: access.Decision
) -> HttpResponse:
    """The patient asks, in consultation, that their DMP be closed: the professional closes it
    (reason, confirmation) through the service the patient's own closing uses, traced as "a
    clôturé le DMP à la demande du patient". The DMP is then refused to everyone, them included."""
    form = PatientRequestCloseForm(request.POST, prefix=CLOSE_PREFIX)
    if not form.is_valid():
        return _management(request, patient, decision, form)
    try:
        services.dmp_close(
            actor=request.user,
            patient=patient,
            reason=form.cleaned_data["reason"],
            at_patient_request=True,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patients:management", code=patient.code)
    _forget_opened(request, patient)
    messages.success(
        request,
        f"Le DMP de {patient.display_name} est fermé à sa demande. Il est conservé et le patient peut "
        "le réactiver depuis Mon espace santé.",
    )
    return redirect("patients:my_patients")


@require_POST
@dmp_view
def withdraw(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    """Withdraw my declarations: effective on my very next request."""
    if services.authorization_withdraw(professional=request.user, patient=patient, request=request):
        _forget_opened(request, patient)
        messages.success(request, "Votre autorisation d'accès à ce DMP a été retirée.")
        return redirect("patients:my_patients")
    messages.info(request, "Vous n'aviez déclaré aucune autorisation pour ce DMP.")
    return redirect("patients:management", code=patient.code)
