"""Which simulated devices the portal offers: the one predicate every view and menu asks.

A real portal reads the Carte Vitale in a physical reader and the professional's phone shows the
e-CPS code. The virtual Carte Vitale reader (cards "inserted" by a click) and the e-CPS app
simulator stand in for them where there is no hardware: the demo (DMP_DEMO_MODE) and the workshop
mode (a trainee's session). Anywhere else they would let anyone "insert" any patient's card, so they do not
exist (404) and no menu offers them.
"""

from django.conf import settings
from django.http import HttpRequest

# Set at login by the workshop (workshop/roles.py) for a trainee of a running session: the
# workshop mode, in which the trainee reads the Carte Vitale of their own sandbox's patients.
WORKSHOP_TRAINEE_SESSION_KEY = "workshop_trainee"


def virtual_readers_enabled(request: HttpRequest | None = None) -> bool:
    """True in demo mode, and for a trainee of a running workshop session (the workshop mode).

    Demo mode alone opens the pre-login simulators (the e-CPS app, the mailbox that shows a
    patient's emailed code); a trainee's session also opens the virtual Carte Vitale reader,
    whose cards are those of the trainee's sandbox (patients.scope).
    """
    if settings.DMP_DEMO_MODE:
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(WORKSHOP_TRAINEE_SESSION_KEY))
