"""Application e-CPS (simulation): the phone app for trainees who have no authenticator.

Only where virtual readers are on (accounts.modes: demo mode) and only for demo professionals. The current code is shown
once the professional's CPS PIN is given, and a wrong PIN counts towards blocking the card
exactly as at the card login: the simulator must not become a way to guess PINs.
"""

import time

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.oath import totp

from accounts import services
from accounts.forms import SimulatorForm
from accounts.models import CPSCard
from accounts.modes import virtual_readers_enabled
from accounts.views import card_refusal_message


def current_code(device) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The code the app would show now, and the seconds it stays valid."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    remaining = device.step - int(time.time() - device.t0) % device.step
    return str(code).zfill(device.digits), remaining


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def ecps_simulator(request: HttpRequest) -> HttpResponse:
    if not virtual_readers_enabled():
        raise Http404
    form = SimulatorForm(request.POST if request.method == "POST" else None)
    code = None
    if request.method == "POST" and form.is_valid():
        card = CPSCard.objects.filter(
            user__rpps=form.cleaned_data["rpps"], user__is_demo=True, confirmed=True
        ).first()
        device = services.ecps_device_for(card.user) if card else None
        if device is None:
            form.add_error(
                "rpps", "Aucun professionnel de démonstration avec une e-CPS activée n'a cet identifiant."
            )
        else:
            check = services.card_check_pin(
                request=request, number=card.number, pin=form.cleaned_data["pin"], purpose="simulateur e-CPS"
            )
            if check.ok:
                code = dict(zip(("value", "remaining"), current_code(device), strict=True))
                code["professional"] = card.user
            else:
                form.add_error(None, card_refusal_message(check))
    return render(request, "accounts/ecps_simulator.html", {"form": form, "code": code})
