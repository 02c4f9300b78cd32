""" "Joindre un fichier ou rédiger un document": the upload form of the slides.

The file goes through the portal's file pipeline (documents/filestore.py): the 5 Mo limit is
enforced while the body streams (size_limited_upload, which also keeps the CSRF check), the file is
judged by its content (filestore.accept, through the form), and documents.services.document_add stores it and writes the DOCUMENT_ADDED trace in one
transaction. Any refusal re-shows the form with its French message: no row, no stored file, no
trace.

The page works without JavaScript. static/js/document-form.js sends the same form with
XMLHttpRequest to show the upload's progress; it says so with the X-Requested-With header, and is
then answered with JSON ({"redirect": url}) on success, so that the success message waits for the
page it is shown on; form errors come back as the usual page, whose form the script swaps in.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from documents import services
from documents.filestore import size_limited_upload
from documents.forms import DocumentAddForm
from documents.views import TAB
from patients import access
from patients.models import Patient
from patients.opening import shell_context
from patients.views import dmp_view

REMINDER = (
    "Les professionnels de santé doivent informer le patient de l'alimentation de son DMP. "
    "Cette information peut être fournie à travers un livret d'information à l'admission par exemple"
)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, as JSON for the script (which then loads the page, with its message)."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return JsonResponse({"redirect": url})
    return redirect(url)


@require_http_methods(["GET", "POST"])
@size_limited_upload
@dmp_view
def document_add(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    if request.method == "POST":
        form = DocumentAddForm(request.POST, request.FILES, professional=request.user, minor=patient.is_minor)
    else:
        form = DocumentAddForm(professional=request.user, minor=patient.is_minor)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                professional=request.user, patient=patient, request=request, **form.service_arguments()
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return _go(request, reverse("patients:summary", args=[patient.code]))
        except ValidationError as error:
            # Keys of a model check may name no field of this form: shown above the form.
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, f"Le document « {document.title} » a été ajouté au DMP.")
            return _go(request, reverse("patients:summary", args=[patient.code]))
    context = shell_context(patient, decision, TAB, form=form, reminder=REMINDER)
    return render(request, "documents/document_form.html", context)
