"""What browsers and proxies may keep of the portal's pages."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user carries `Cache-Control: no-store, private`.

    What a signed-in user sees names patients (DMP tabs, documents, search results, the Carte
    Vitale reader, refusals): on a shared workstation, the back button or the disk cache must not
    show it to the next person, and no proxy may keep it. One place for every page, rather than a
    decorator each view could forget. Static files never reach it (WhiteNoise answers first), and
    a view's own stricter directives are kept (patch_cache_control merges).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
