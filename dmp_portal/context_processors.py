from django.conf import settings
from django.http import HttpRequest

from accounts.modes import virtual_readers_enabled


def portal(request: HttpRequest) -> dict:
    """Values every page needs: whether the demo helpers and the virtual readers may be offered."""
    return {"demo_mode": settings.DMP_DEMO_MODE, "virtual_readers": virtual_readers_enabled(request)}
