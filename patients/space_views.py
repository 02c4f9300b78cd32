"""Mon espace santé (/mon-espace-sante/): the patient's (or legal representative's) own pages.

Deny by default: every page but the login's needs a patient-side viewer (accounts/viewer.py)
whose record patients/space.space_for confirms; a professional gets 403, anyone else the login.
The record is always the session's, never a URL's: no patient code in these URLs to tamper with.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.modes import virtual_readers_enabled
from accounts.views import too_many_message
from audit.models import Notification
from patients import services, space
from patients.models import (
    Authorization,
    AuthorizationKind,
    Block,
    CareStay,
    PatientEmailDevice,
    RecordAccess,
)
from patients.space_forms import (
    CloseForm,
    EmergencyChoicesForm,
    NewDocumentsMaskingForm,
    SpaceCodeForm,
    SpaceLoginForm,
)

PROFESSIONALS_REFUSED = "Mon espace santé est réservé aux patients et à leurs représentants légaux."
CODE_REFUSED = "Code incorrect ou expiré. Vérifiez le code reçu ou recommencez la connexion."
CODE_SENT = (
    "Si ces informations correspondent à un profil Mon espace santé, un code de connexion vient "
    "d'être envoyé à l'adresse électronique associée. Il est valable 5 minutes."
)

NOTIFICATIONS_PER_PAGE = 20
NOTIFICATIONS_CURSOR = "avant"  # keyset: the last notification (pk) of the previous page

SpaceView = Callable[..., HttpResponse]


def space_view(view: SpaceView) -> SpaceView:
    """The patient space's gate: the view gets the Space (person, record, viewer)."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if request.viewer.is_professional:
            raise PermissionDenied(PROFESSIONALS_REFUSED)
        current = space.space_for(request.viewer)
        if current is None:
            request.session.flush()
            return redirect("space:login")
        return view(request, current, *args, **kwargs)

    return wrapped


def _refuse_professionals(request: HttpRequest) -> None:
    if request.viewer.is_professional:
        raise PermissionDenied(PROFESSIONALS_REFUSED)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    _refuse_professionals(request)
    if request.viewer.is_patient_side:
        return redirect("space:documents")
    form = SpaceLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        space.login_start(request, identifier=form.cleaned_data["identifier"])
        messages.info(request, CODE_SENT)
        return redirect("space:code")
    return render(request, "patients/space/login.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    _refuse_professionals(request)
    if not space.has_pending_login(request):
        return redirect("space:login")
    form = SpaceCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = space.login_verify(request, code=form.cleaned_data["token"])
        if check.accepted:
            return redirect("space:documents")
        form.add_error("token", too_many_message(check.retry_after) if check.retry_after else CODE_REFUSED)
    context = {"form": form, "demo": virtual_readers_enabled()}
    return render(request, "patients/space/code.html", context)


@login_not_required
@never_cache
@require_GET
def code_simulator(request: HttpRequest) -> HttpResponse:
    """Demo mode only: the mailbox a workshop does not have, for the login in progress in this
    browser (the code sent to the patient whose INS or email was typed here), never another's."""
    if not virtual_readers_enabled():
        raise Http404
    _refuse_professionals(request)
    patient = space.pending_patient(request)
    device = PatientEmailDevice.objects.filter(patient=patient).first() if patient else None
    shown = device if device and device.token and device.valid_until > timezone.now() else None
    return render(request, "patients/space/code_simulator.html", {"device": shown})


@space_view
@require_POST
def logout(request: HttpRequest, current: space.Space) -> HttpResponse:
    space.logout(request, current)
    return redirect("space:login")


@space_view
@require_POST
def choose(request: HttpRequest, current: space.Space) -> HttpResponse:
    if not space.choose_record(request, person=current.person, code=request.POST.get("record", "")):
        messages.error(request, "Vous ne pouvez pas consulter ce profil.")
    return redirect("space:documents")


def actor_of(current: space.Space) -> dict:
    """The patient's own actions: no User, their name as they read it in the history."""
    return {"actor": None, "actor_label": space.actor_label(current.viewer, current.person)}


@space_view
@require_GET
def professionals(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Autorisé(s)" (care team, declarations, emergency accesses, past openings) and "Bloqué(s)"."""
    patient = current.record
    blocks = Block.objects.filter(patient=patient).select_related("professional__profession")
    blocked_ids = {block.professional_id for block in blocks}
    context = {
        "current": current,
        "section": "professionals",
        "attending": patient.dmp_attending_physicians.select_related("profession"),
        "stays": CareStay.objects.current(timezone.localdate())
        .filter(patient=patient)
        .select_related("establishment"),
        "consents": Authorization.objects.filter(
            patient=patient, kind=AuthorizationKind.CONSENT, withdrawn_at__isnull=True
        )
        .exclude(professional_id__in=blocked_ids)
        .select_related("professional__profession")
        .order_by("-declared_at"),
        "emergencies": Authorization.objects.filter(patient=patient, kind=AuthorizationKind.EMERGENCY)
        .select_related("professional__profession")
        .order_by("-declared_at"),
        "accesses": RecordAccess.objects.filter(patient=patient)
        .exclude(professional_id__in=blocked_ids)
        .select_related("professional__profession")
        .order_by("-last_access_at"),
        "blocks": blocks,
        "blocked_ids": blocked_ids,
    }
    return render(request, "patients/space/professionals.html", context)


def _known_professionals(current: space.Space) -> QuerySet[User]:
    """Whom the patient may block from here: a professional who appears in their lists."""
    patient = current.record
    return User.objects.filter(rpps__gt="").filter(
        pk__in=[
            *patient.dmp_attending_physicians.values_list("pk", flat=True),
            *Authorization.objects.filter(patient=patient).values_list("professional_id", flat=True),
            *RecordAccess.objects.filter(patient=patient).values_list("professional_id", flat=True),
        ]
    )


@space_view
@require_POST
def block(request: HttpRequest, current: space.Space) -> HttpResponse:
    professional = _known_professionals(current).filter(rpps=request.POST.get("rpps", "")).first()
    if professional is None:
        messages.error(request, "Ce professionnel ne figure pas parmi vos professionnels autorisés.")
    elif Block.objects.filter(patient=current.record, professional=professional).exists():
        messages.info(request, f"{professional.display_name} est déjà bloqué(e).")
    else:
        services.block_add(
            **actor_of(current), patient=current.record, professional=professional, request=request
        )
        messages.success(
            request, f"{professional.display_name} est bloqué(e) : il ou elle n'a plus accès à votre profil."
        )
    return redirect("space:professionals")


@space_view
@require_POST
def unblock(request: HttpRequest, current: space.Space, block_id: int) -> HttpResponse:
    blocked = get_object_or_404(
        Block.objects.select_related("professional"), pk=block_id, patient=current.record
    )
    services.block_remove(**actor_of(current), block=blocked, request=request)
    messages.success(
        request,
        f"{blocked.professional.display_name} est débloqué(e). Une nouvelle autorisation sera "
        "nécessaire pour accéder à votre profil.",
    )
    return redirect("space:professionals")


@space_view
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Paramètres": the three emergency choices; close or reopen the DMP."""
    patient = current.record
    data = request.POST if request.method == "POST" else None
    choices = EmergencyChoicesForm(data, instance=patient, prefix="urgence")
    close = CloseForm(prefix="fermeture")
    if request.method == "POST" and choices.is_valid():
        services.emergency_choices_change(
            **actor_of(current),
            patient=patient,
            samu_allowed=choices.cleaned_data["emergency_samu_allowed"],
            others_allowed=choices.cleaned_data["emergency_others_allowed"],
            masked_allowed=choices.cleaned_data["emergency_masked_allowed"],
            request=request,
        )
        messages.success(request, "Vos choix d'accès en cas d'urgence sont enregistrés.")
        return redirect("space:settings")
    return _settings(request, current, choices, close)


def _settings(
    request: HttpRequest, current: space.Space, choices: EmergencyChoicesForm, close: CloseForm
) -> HttpResponse:
    masking = NewDocumentsMaskingForm(
        initial={"masked": current.record.new_documents_masked}, prefix="masquage"
    )
    context = {
        "current": current,
        "section": "settings",
        "choices": choices,
        "masking": masking,
        "close": close,
    }
    return render(request, "patients/space/settings.html", context)


@space_view
@require_POST
def new_documents_masking(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Masquer les nouveaux documents": the preference, for documents added from now on."""
    form = NewDocumentsMaskingForm(request.POST, prefix="masquage")
    masked = form.is_valid() and form.cleaned_data["masked"]  # a checkbox: always valid
    services.new_documents_masking_change(
        **actor_of(current), patient=current.record, masked=masked, request=request
    )
    messages.success(
        request,
        "Les nouveaux documents ajoutés à votre profil seront masqués aux professionnels de santé."
        if masked
        else "Les nouveaux documents ajoutés à votre profil seront visibles par les professionnels "
        "de santé autorisés.",
    )
    return redirect("space:settings")


@space_view
@require_POST
def close(request: HttpRequest, current: space.Space) -> HttpResponse:
    form = CloseForm(request.POST, prefix="fermeture")
    if form.is_valid():
        try:
            services.dmp_close(
                **actor_of(current),
                patient=current.record,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Votre dossier médical partagé est fermé.")
        return redirect("space:settings")
    choices = EmergencyChoicesForm(instance=current.record, prefix="urgence")
    return _settings(request, current, choices, form)


@space_view
@require_POST
def reopen(request: HttpRequest, current: space.Space) -> HttpResponse:
    try:
        services.dmp_reopen(**actor_of(current), patient=current.record, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Votre dossier médical partagé est réactivé.")
    return redirect("space:settings")


@space_view
@require_GET
def notifications(request: HttpRequest, current: space.Space) -> HttpResponse:
    """ "Notifications reçues": the emails written to the patient (first opening by a professional,
    emergency access), newest first, also when no mail server delivered them. Keyset pages (the
    page after notification N starts below it, however many arrive meanwhile): one query for the
    list whatever the number of rows, served by audit_notification_patient_idx."""
    rows = Notification.objects.filter(patient=current.record).only("created_at", "subject", "body_text")
    cursor = request.GET.get(NOTIFICATIONS_CURSOR, "")
    if cursor.isdigit():
        rows = rows.filter(pk__lt=int(cursor))
    elif cursor:
        messages.error(request, "Cette page n'existe pas : voici les notifications les plus récentes.")
    page = list(rows.order_by("-pk")[: NOTIFICATIONS_PER_PAGE + 1])
    context = {
        "current": current,
        "section": "notifications",
        "notifications": page[:NOTIFICATIONS_PER_PAGE],
        "next_cursor": page[NOTIFICATIONS_PER_PAGE - 1].pk if len(page) > NOTIFICATIONS_PER_PAGE else None,
        "cursor_name": NOTIFICATIONS_CURSOR,
        "first_page": not cursor.isdigit(),
    }
    return render(request, "patients/space/notifications.html", context)
