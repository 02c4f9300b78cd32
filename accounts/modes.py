"""Which simulated devices the portal offers: the one predicate every view and menu asks.

A real portal reads the Carte Vitale in a physical reader and the professional's phone shows the
e-CPS code. The virtual Carte Vitale reader (cards "inserted" by a click) and the e-CPS app
simulator stand in for them where there is no hardware: the demo (DMP_DEMO_MODE) and, later, the
workshop mode. Anywhere else they would let anyone "insert" any patient's card, so they do not
exist (404) and no menu offers them.
"""

from django.conf import settings


def virtual_readers_enabled() -> bool:
    """True in demo mode (a workshop mode, when it exists, joins here): the virtual Carte Vitale
    reader, the e-CPS simulator and the mailbox that shows a patient's emailed code."""
    return settings.DMP_DEMO_MODE
