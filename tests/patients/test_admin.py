"""Patients in the admin: INS or name search through the indexes; care team and authorizations."""

import pytest
from django.urls import reverse

from patients.models import Authorization, AuthorizationKind
from tests.factories import CareStayFactory, PatientFactory
from tests.helpers import text


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Lé-Quinio", "le quinio", "LE  QUINIO"])
def test_patients_are_found_by_name_whatever_the_accents(admin_client, term):
    PatientFactory(birth_name="Le Quinio", first_name="Pierre")
    PatientFactory(birth_name="Autre", first_name="Paul")

    body = text(admin_client.get(reverse("admin:patients_patient_changelist"), {"q": term}))

    assert "LE QUINIO PIERRE" in body
    assert "AUTRE PAUL" not in body


@pytest.mark.django_db
def test_patients_are_found_by_exact_ins(admin_client):
    patient = PatientFactory(birth_name="Trouvé")
    PatientFactory(birth_name="Autre")

    body = text(admin_client.get(reverse("admin:patients_patient_changelist"), {"q": patient.ins}))

    assert "TROUVÉ" in body
    assert "AUTRE" not in body


@pytest.mark.django_db
def test_the_change_page_shows_care_team_and_authorizations(admin_client, alice):
    patient = PatientFactory()
    stay = CareStayFactory(patient=patient)
    Authorization.objects.create(patient=patient, professional=alice, kind=AuthorizationKind.CONSENT)

    body = text(admin_client.get(reverse("admin:patients_patient_change", args=[patient.pk])))

    assert stay.establishment.name in body
    assert alice.display_name in body
    assert "Consentement déclaré" in body
