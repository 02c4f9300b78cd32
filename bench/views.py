"""The bare view: the floor every page is compared with in the same benchmark run.

It goes through the whole middleware stack (session, user, viewer, verified professional) and
renders nothing: what a page costs beyond it is its own queries and templates. Found (200) only in
bench mode; a 404 otherwise, as if it did not exist.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    if not settings.DMP_BENCH_MODE:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
