"""Connexion (CPS card, e-CPS, administrators), logout, Paramétrages, e-CPS activation."""

import math
import time
from datetime import timedelta

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
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services, sudo
from accounts.directory import ecps_no_contact_message
from accounts.forms import (
    AdminLoginForm,
    CPSLoginForm,
    DocumentDefaultsForm,
    ECPSIdentifierForm,
    OTPCodeForm,
    SudoPINForm,
)
from accounts.models import CPSCard, User
from accounts.qrcode import qr_svg, totp_secret_base32

REMEMBERED_RPPS_COOKIE = f"{settings.DMP_COOKIE_PREFIX}dmp_rpps"
REMEMBERED_RPPS_MAX_AGE = 365 * 24 * 3600  # "Mémoriser mon identifiant sur ce poste"
ECPS_PENDING = "dmp_ecps_pending"
# The code must be typed within 5 minutes of giving the RPPS identifier.
ECPS_PENDING_SECONDS = 300
# From the third refused code of a login (wrong, or typed during the wait), the FAQ hint about
# the phone's clock is shown.
ECPS_CLOCK_HINT_AFTER = 3
# How the traces of a sudo-mode proof read: "confirmation d'identité, carte 2700000001".
SUDO_PURPOSE = "confirmation d'identité"
# The last account events (logins, failures, e-CPS changes) shown on PARAMÉTRAGES.
ACCOUNT_EVENTS_SHOWN = 10


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
        check = services.card_check_pin(
            request=request, number=form.cleaned_data["number"], pin=form.cleaned_data["pin"]
        )
        if check.ok:
            services.session_open(request, user=check.card.user, device=check.card)
            return redirect(_next_url(request))
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


def duration_fr(delta: timedelta) -> str:
    """ "45 secondes", "3 minutes", "2 heures": a wait rounded up to the unit that reads best."""
    seconds = max(1, math.ceil(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} heure{'s' if hours > 1 else ''}"


def too_many_message(wait: timedelta) -> str:
    return (
        "Trop de codes erronés ont été saisis depuis ce poste : patientez "
        f"{duration_fr(wait)} avant de réessayer."
    )


def card_refusal_message(check: services.CardCheck) -> str:
    """The same words for a real and an unknown card number (no enumeration)."""
    match check.refusal:
        case services.CardRefusal.WRONG_PIN:
            remaining = check.remaining
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
            return too_many_message(check.retry_after or timedelta(0))


def code_refusal_message(check: services.CodeCheck) -> str:
    match check.refusal:
        case services.CodeRefusal.REPLAYED:
            return "Code de sécurité déjà utilisé : attendez le code suivant affiché par l'application e-CPS."
        case services.CodeRefusal.WAIT:
            return (
                "Trop d'essais successifs : patientez "
                f"{duration_fr(check.wait or timedelta(0))} avant de saisir un nouveau code."
            )
        case services.CodeRefusal.SUSPENDED:
            return (
                "Votre application e-CPS est suspendue : trop de codes de sécurité erronés ont "
                "été saisis. Identifiez-vous par carte CPS, puis réactivez-la dans PARAMÉTRAGES, "
                "ou contactez votre administrateur."
            )
        case services.CodeRefusal.TOO_MANY:
            return too_many_message(check.wait or timedelta(0))
        case _:
            return "Code de sécurité incorrect."


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_ecps(request: HttpRequest) -> HttpResponse:
    """e-CPS, first step: the RPPS identifier (optionally remembered on this computer)."""
    remembered = request.COOKIES.get(REMEMBERED_RPPS_COOKIE, "")
    initial = {"rpps": remembered, "remember": True} if remembered.isdigit() else {}
    form = ECPSIdentifierForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # Every well-formed RPPS goes on to the code: whether it is known, has contact details
        # or an activated e-CPS is said only after a proof (card PIN, valid code).
        rpps = form.cleaned_data["rpps"]
        request.session[ECPS_PENDING] = {"rpps": rpps, "at": time.time(), "next": _next_url(request)}
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
    if not pending or "rpps" not in pending or time.time() - pending["at"] > ECPS_PENDING_SECONDS:
        request.session.pop(ECPS_PENDING, None)
        messages.warning(request, "Le délai de saisie du code est dépassé : recommencez.")
        return redirect("accounts:login_ecps")

    form = OTPCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(rpps=pending["rpps"], is_active=True).first()
        device = services.ecps_device_for(user) if user else None
        check = services.ecps_code_check(
            request=request, device=device, token=form.cleaned_data["token"], user=user, rpps=pending["rpps"]
        )
        if check.ok:
            del request.session[ECPS_PENDING]
            services.session_open(request, user=user, device=device)
            return redirect(pending["next"])
        if check.refusal in (services.CodeRefusal.WRONG, services.CodeRefusal.WAIT):
            pending["refused"] = pending.get("refused", 0) + 1
            request.session[ECPS_PENDING] = pending
        form.add_error("token", code_refusal_message(check))
    return render(
        request,
        "accounts/login_ecps_code.html",
        {
            "form": form,
            "rpps": pending["rpps"],
            "show_clock_hint": pending.get("refused", 0) >= ECPS_CLOCK_HINT_AFTER,
        },
    )


@login_not_required
@require_GET
def ecps_faq(request: HttpRequest) -> HttpResponse:
    """FAQ e-CPS: the questions the login pages point to (the phone's clock, suspension)."""
    return render(request, "accounts/ecps_faq.html")


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
        if device is None:
            _trace_failure(request, user, f"administration ({form.cleaned_data['username'][:50]})")
        elif services.ecps_code_check(
            request=request, device=device, token=form.cleaned_data["token"], purpose="administration"
        ).ok:  # a wrong code is traced (and counted) by the check
            services.session_open(request, user=user, device=device)
            request.session[services.SESSION_ADMIN_LOGIN] = True
            return redirect(_next_url(request, default="admin:index"))
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
        "ecps_no_contact": ecps_no_contact_message(user),
        "account_events": import_string(settings.DMP_ACCOUNT_HISTORY)(user=user, limit=ACCOUNT_EVENTS_SHOWN),
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
@sudo.require_sudo_mode()
def ecps_activate(request: HttpRequest) -> HttpResponse:
    """Activate (or replace) the e-CPS app: scan the QR code, then type its first code.

    Sudo mode: an open session alone must not enrol a device (accounts.sudo)."""
    user = request.user
    if not user.can_activate_ecps:
        messages.error(request, ecps_no_contact_message(user))
        return redirect("accounts:settings")
    device = services.ecps_activation_start(user=user)
    form = OTPCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed, check = services.ecps_activation_confirm(
            request=request, user=user, token=form.cleaned_data["token"]
        )
        if confirmed is not None:
            if not isinstance(request.user.otp_device, CPSCard):
                django_otp.login(request, confirmed)  # the replaced app verified this session
            messages.success(
                request, "L'application e-CPS est activée : vous pouvez vous identifier avec elle."
            )
            return redirect("accounts:settings")
        form.add_error("token", code_refusal_message(check))
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


@require_POST
@sudo.require_sudo_mode(card_only=True)
def ecps_reactivate(request: HttpRequest) -> HttpResponse:
    """Lift the e-CPS suspension, after a CPS-card proof (the suspended app cannot vouch)."""
    if request.user.ecps_suspended_at is None:
        return redirect("accounts:settings")
    services.ecps_reactivate(request=request, user=request.user)
    messages.success(request, "Votre application e-CPS est réactivée.")
    return redirect("accounts:settings")


@never_cache
@require_http_methods(["GET", "POST"])
def sudo_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm one's identity before a sensitive change: card PIN or current e-CPS code."""
    user = request.user
    card_only = request.GET.get("carte") == "1"
    card = _sudo_card(request)
    device = None if card_only or user.ecps_suspended_at else services.ecps_device_for(user)
    posted = request.POST if request.method == "POST" else None
    pin_form = SudoPINForm(posted if posted and "pin" in posted else None)
    code_form = OTPCodeForm(posted if posted and "token" in posted else None)
    if pin_form.is_bound and card is not None and pin_form.is_valid():
        check = services.card_check_pin(
            request=request, number=card.number, pin=pin_form.cleaned_data["pin"], purpose=SUDO_PURPOSE
        )
        if check.ok:
            sudo.grant(request, card=True)
            return redirect(_next_url(request, default="accounts:settings"))
        pin_form.add_error("pin", card_refusal_message(check))
    if code_form.is_bound and device is not None and code_form.is_valid():
        check = services.ecps_code_check(
            request=request, device=device, token=code_form.cleaned_data["token"], purpose=SUDO_PURPOSE
        )
        if check.ok:
            sudo.grant(request, card=False)
            return redirect(_next_url(request, default="accounts:settings"))
        code_form.add_error("token", code_refusal_message(check))
    return render(
        request,
        "accounts/sudo.html",
        {
            "pin_form": pin_form if card else None,
            "code_form": code_form if device else None,
            "card": card,
            "card_only": card_only,
            "minutes": sudo.SUDO_SECONDS // 60,
        },
    )


def _sudo_card(request: HttpRequest) -> CPSCard | None:
    """The card whose PIN confirms: the one that verified this session, else the professional's."""
    if isinstance(request.user.otp_device, CPSCard) and not request.user.otp_device.is_blocked:
        return request.user.otp_device
    return CPSCard.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
