"""Sudo mode: a sensitive change to one's own account needs a proof given minutes ago.

An open session proves only that someone logged in, up to 12 hours ago, on a computer that may
since have been left unattended. Enrolling a new e-CPS device from it would turn that moment
into a lasting remote login, so the views that change how one logs in (accounts.views:
ecps_activate, ecps_reactivate) ask again for the card PIN or a current e-CPS code, valid
SUDO_SECONDS (5 minutes) — cf. healthchecks' require_sudo_mode. Lifting an e-CPS suspension
takes a card proof: the suspended e-CPS cannot vouch for itself.

The login itself is such a proof (services.session_open calls `grant`).
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_SUDO_AT = "dmp_sudo_at"
SESSION_SUDO_BY_CARD = "dmp_sudo_by_card"
SUDO_SECONDS = 5 * 60


def grant(request: HttpRequest, *, card: bool) -> None:
    """Record a proof given now: the card PIN (`card`) or an e-CPS code."""
    request.session[SESSION_SUDO_AT] = time.time()
    request.session[SESSION_SUDO_BY_CARD] = card


def is_active(request: HttpRequest, *, card_only: bool = False) -> bool:
    """Whether a proof (a card proof, with `card_only`) was given within SUDO_SECONDS."""
    given_at = request.session.get(SESSION_SUDO_AT)
    if given_at is None or time.time() - given_at > SUDO_SECONDS:
        return False
    return request.session.get(SESSION_SUDO_BY_CARD, False) or not card_only


def require_sudo_mode(*, card_only: bool = False) -> Callable:
    """Send the professional to the confirmation page unless a fresh proof was given.

    After the proof they come back to the page they asked for; a refused POST comes back to
    PARAMÉTRAGES, where the button that sent it is (nothing was changed).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
            if is_active(request, card_only=card_only):
                return view(request, *args, **kwargs)
            target = request.get_full_path() if request.method == "GET" else reverse("accounts:settings")
            query = {"next": target, **({"carte": "1"} if card_only else {})}
            return redirect(f"{reverse('accounts:sudo')}?{urlencode(query)}")

        return wrapper

    return decorator
