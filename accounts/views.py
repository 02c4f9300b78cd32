"""Connexion (CPS card, e-CPS, administrators), logout, Paramétrages, e-CPS activation."""

import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import (
    AdminLoginForm,
    CPSLoginForm,
    DocumentDefaultsForm,
    ECPSIdentifierForm,
    OTPCodeForm,
)
from accounts.models import CPSCard, ECPSDevice, User
from accounts.qrcode import qr_svg, totp_secret_base32

REMEMBERED_RPPS_COOKIE = "dmp_rpps"
REMEMBERED_RPPS_MAX_AGE = 365 * 24 * 3600  # "Mémoriser mon identifiant sur ce poste"
ECPS_PENDING = "dmp_ecps_pending"
# The code must be typed within 5 minutes of giving the RPPS identifier.
ECPS_PENDING_SECONDS = 300
# From the third consecutive failure, the FAQ hint about the phone's clock is shown.
ECPS_CLOCK_HINT_AFTER = 3

ECPS_CLOCK_HINT = (
    "Si vous constatez un échec répété des connexions avec votre e-CPS, cela peut être dû à "
    "une mauvaise configuration de l'heure sur votre téléphone. Consultez la FAQ e-CPS pour "
    "résoudre ce problème."
)
ECPS_NO_CONTACT = (
    "Votre adresse électronique et votre numéro de téléphone mobile ne sont pas renseignés "
    "dans l'annuaire santé : l'application e-CPS ne peut pas être activée. Mettez à jour ces "
    "informations auprès de votre ordre (par exemple sur le site de l'ordre des pharmaciens) ; "
    "pour les professions non ordinales, votre employeur les renseigne dans RPPS+."
)


def _next_url(request: HttpRequest, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    """Where to go after login: the page asked for, if it is on this site; else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "indisponible"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def login_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login.html", {"next": request.GET.get("next", "")})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_cps(request: HttpRequest) -> HttpResponse:
    form = CPSLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check = services.card_check_pin(number=form.cleaned_data["number"], pin=form.cleaned_data["pin"])
        if check.ok:
            services.session_open(request, user=check.card.user, device=check.card)
            return redirect(_next_url(request))
        _trace_failure(
            request, check.card.user if check.card else None, f"carte {form.cleaned_data['number']}"
        )
        form.add_error(None, card_refusal_message(check))
    demo_cards = (
        CPSCard.objects.filter(user__is_demo=True, confirmed=True)
        .select_related("user__profession")
        .order_by("number")
        if settings.DMP_DEMO_MODE
        else []
    )
    return render(
        request,
        "accounts/login_cps.html",
        {"form": form, "next": request.GET.get("next", ""), "demo_cards": demo_cards},
    )


def card_refusal_message(check: services.CardCheck) -> str:
    match check.refusal:
        case services.CardRefusal.WRONG_PIN:
            remaining = check.card.remaining_attempts
            return (
                f"Code porteur erroné. Il vous reste {remaining} essai{'s' if remaining > 1 else ''} "
                "avant le blocage de la carte."
            )
        case services.CardRefusal.BLOCKED:
            return (
                "Carte bloquée : trois codes porteurs erronés ont été saisis. "
                "Contactez votre administrateur pour la faire débloquer."
            )
        case services.CardRefusal.INACTIVE:
            return "Ce compte est désactivé. Contactez votre administrateur."
        case _:
            return "Carte non reconnue : vérifiez le numéro de la carte insérée dans le lecteur."


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_ecps(request: HttpRequest) -> HttpResponse:
    """e-CPS, first step: the RPPS identifier (optionally remembered on this computer)."""
    remembered = request.COOKIES.get(REMEMBERED_RPPS_COOKIE, "")
    initial = {"rpps": remembered, "remember": True} if remembered.isdigit() else {}
    form = ECPSIdentifierForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        rpps = form.cleaned_data["rpps"]
        user = User.objects.filter(rpps=rpps, is_active=True).first()
        if user is None:
            form.add_error("rpps", "Aucun professionnel de l'annuaire santé n'a cet identifiant RPPS.")
        elif not user.can_activate_ecps:
            form.add_error(None, ECPS_NO_CONTACT)
        elif services.ecps_device_for(user) is None:
            form.add_error(
                None,
                "Vous n'avez pas encore activé l'application e-CPS. Identifiez-vous par carte CPS, "
                "puis activez-la dans PARAMÉTRAGES.",
            )
        else:
            request.session[ECPS_PENDING] = {
                "user": user.pk,
                "at": time.time(),
                "next": _next_url(request),
            }
            response = redirect("accounts:login_ecps_code")
            if form.cleaned_data["remember"]:
                response.set_cookie(
                    REMEMBERED_RPPS_COOKIE,
                    rpps,
                    max_age=REMEMBERED_RPPS_MAX_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            else:
                response.delete_cookie(REMEMBERED_RPPS_COOKIE)
            return response
    return render(request, "accounts/login_ecps.html", {"form": form, "next": request.GET.get("next", "")})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_ecps_code(request: HttpRequest) -> HttpResponse:
    """e-CPS, second step: the 6-digit code of the app (TOTP), throttled and single-use."""
    pending = request.session.get(ECPS_PENDING)
    if not pending or time.time() - pending["at"] > ECPS_PENDING_SECONDS:
        request.session.pop(ECPS_PENDING, None)
        messages.warning(request, "Le délai de saisie du code est dépassé : recommencez.")
        return redirect("accounts:login_ecps")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    device = services.ecps_device_for(user) if user else None
    if device is None:
        request.session.pop(ECPS_PENDING, None)
        return redirect("accounts:login_ecps")

    form = OTPCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.ecps_check_code(device=device, token=form.cleaned_data["token"]):
            del request.session[ECPS_PENDING]
            services.session_open(request, user=user, device=device)
            return redirect(pending["next"])
        device.refresh_from_db()
        _trace_failure(request, user, "e-CPS")
        form.add_error("token", _ecps_refusal_message(device))
    return render(
        request,
        "accounts/login_ecps_code.html",
        {
            "form": form,
            "professional": user,
            "show_clock_hint": _needs_clock_hint(device),
            "clock_hint": ECPS_CLOCK_HINT,
        },
    )


def _needs_clock_hint(device: ECPSDevice) -> bool:
    return device.throttling_failure_count >= ECPS_CLOCK_HINT_AFTER


def _ecps_refusal_message(device: ECPSDevice) -> str:
    allowed, info = device.verify_is_allowed()
    if not allowed and info and "locked_until" in info:
        wait = max(1, round(info["locked_until"].timestamp() - time.time()))
        return (
            "Code de sécurité incorrect. Trop d'essais successifs : patientez "
            f"{wait} seconde{'s' if wait > 1 else ''} avant de saisir un nouveau code."
        )
    return "Code de sécurité incorrect ou déjà utilisé."


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """Administrators (no RPPS): password and a TOTP code, together, for the admin only."""
    form = AdminLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        is_admin = user is not None and user.is_staff and not user.is_professional
        device = services.ecps_device_for(user) if is_admin else None
        if device is not None and services.ecps_check_code(device=device, token=form.cleaned_data["token"]):
            services.session_open(request, user=user, device=device)
            request.session[services.SESSION_ADMIN_LOGIN] = True
            return redirect(_next_url(request, default="admin:index"))
        _trace_failure(request, user, f"administration ({form.cleaned_data['username'][:50]})")
        form.add_error(None, "Identifiant, mot de passe ou code incorrect.")
    return render(request, "accounts/admin_login.html", {"form": form})


def _trace_failure(request: HttpRequest, user: User | None, label: str) -> None:
    with transaction.atomic():
        services.session_trace(request, services.SessionEvent.LOGIN_FAILED, user=user, label=label)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the same refusal as Django's, in French."""
    return render(request, "403_csrf.html", status=403)


@login_not_required  # an administrator, verified but not a professional, logs out here too
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            services.session_trace(request, services.SessionEvent.LOGOUT, user=request.user)
    logout(request)
    messages.success(request, "Vous êtes déconnecté.")
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """PARAMÉTRAGES: directory data (read-only), document defaults, e-CPS, remembered RPPS."""
    user = request.user
    form = DocumentDefaultsForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Vos préférences ont été enregistrées.")
        return redirect("accounts:settings")
    context = {
        "form": form,
        "practices": user.practices.select_related("establishment", "practice_setting"),
        "ecps_device": services.ecps_device_for(user),
        "remembered_rpps": request.COOKIES.get(REMEMBERED_RPPS_COOKIE, ""),
        "ecps_no_contact": ECPS_NO_CONTACT,
    }
    return render(request, "accounts/settings.html", context)


@require_POST
def forget_rpps(request: HttpRequest) -> HttpResponse:
    response = redirect("accounts:settings")
    response.delete_cookie(REMEMBERED_RPPS_COOKIE)
    messages.success(request, "Votre identifiant RPPS n'est plus mémorisé sur ce poste.")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def ecps_activate(request: HttpRequest) -> HttpResponse:
    """Activate (or replace) the e-CPS app: scan the QR code, then type its first code."""
    user = request.user
    if not user.can_activate_ecps:
        messages.error(request, ECPS_NO_CONTACT)
        return redirect("accounts:settings")
    device = services.ecps_activation_start(user=user)
    form = OTPCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = services.ecps_activation_confirm(user=user, token=form.cleaned_data["token"])
        if confirmed is not None:
            if not isinstance(request.user.otp_device, CPSCard):
                django_otp.login(request, confirmed)  # the replaced app verified this session
            messages.success(
                request, "L'application e-CPS est activée : vous pouvez vous identifier avec elle."
            )
            return redirect("accounts:settings")
        device.refresh_from_db()
        form.add_error("token", _ecps_refusal_message(device))
    return render(
        request,
        "accounts/ecps_activate.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": totp_secret_base32(device),
            "replacing": services.ecps_device_for(user) is not None,
        },
    )
