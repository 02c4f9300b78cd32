from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Values every page needs: whether the demo helpers may be shown."""
    return {"demo_mode": settings.DMP_DEMO_MODE}
