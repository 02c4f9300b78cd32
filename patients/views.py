from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def my_patients(request: HttpRequest) -> HttpResponse:
    """MES PATIENTS: the professional's landing page once identified."""
    return render(request, "patients/my_patients.html")
