"""The "Carnet de vaccination" tab: the entries this professional may read (the matrix cell of
"Historique des vaccinations", documents/visibility.py), and the form to add one for the
professions that vaccinate (documents.services.vaccination_add decides, and traces)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from dmp_portal.paging import keyset_page
from documents import services
from documents.forms import VaccinationForm
from documents.models import DoseType, Vaccination
from patients import access
from patients.models import Patient
from patients.opening import Tab, shell_context
from patients.views import dmp_view

VACCINATIONS_PER_PAGE = 50
# Latest first, a keyset page after another on documents_vacc_patient_idx.
VACCINATION_ORDER = ("-vaccinated_on", "-recorded_at", "-pk")


@require_http_methods(["GET", "POST"])
@dmp_view
def vaccination_book(request: HttpRequest, patient: Patient, decision: access.Decision) -> HttpResponse:
    may_add = services.may_record_vaccinations(request.user)
    form = VaccinationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vaccination = services.vaccination_add(
                professional=request.user,
                patient=patient,
                vaccine=data["vaccine"],
                vaccinated_on=data["vaccinated_on"],
                dose_type=DoseType(data["dose_type"]),
                lot_number=data["lot_number"],
                request=request,
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("documents:vaccination", code=patient.code)
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, f"La vaccination « {vaccination.vaccine} » a été ajoutée au carnet.")
            return redirect("documents:vaccination", code=patient.code)
    vaccinations = Vaccination.objects.visible_to(request.user, patient, decision=decision)
    page = keyset_page(vaccinations, VACCINATION_ORDER, request.GET, VACCINATIONS_PER_PAGE)
    context = shell_context(
        patient,
        decision,
        Tab.VACCINATION,
        page=page,
        vaccinations=page.object_list,
        form=form,
        may_add=may_add,
    )
    return render(request, "documents/vaccination_list.html", context)
