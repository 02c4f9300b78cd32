from django.http import HttpRequest

from accounts.modes import virtual_readers_enabled


def portal(request: HttpRequest) -> dict:
    """Values every page needs: whether the virtual readers (demo or workshop mode) may be offered."""
    return {"virtual_readers": virtual_readers_enabled(request)}
