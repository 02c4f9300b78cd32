"""Writing a message: "Nouveau message" (and, later, replies)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from messaging.forms import ComposeForm


@never_cache
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """`?a=<address>` prefills one recipient: the directory's and Informations Patient's
    "Écrire" links lead here."""
    if request.method == "POST":
        form = ComposeForm(request.POST)
        form.is_valid()
    else:
        form = ComposeForm(initial={"recipients": request.GET.get("a", "")[:254]})
    return render(request, "messaging/message_form.html", {"form": form})
