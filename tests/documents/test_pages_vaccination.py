"""The Carnet de vaccination tab: the entries the matrix lets the professional read, and the form
for the professions that vaccinate, traced by the service."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Profession
from audit.models import Action
from documents.models import DocumentType, Vaccination
from documents.visibility import VACCINATION_HISTORY_TYPE
from tests.documents.pages import traces, url, words
from tests.factories import (
    AuthorizationFactory,
    CPSCardFactory,
    ProfessionalFactory,
    VaccinationFactory,
    set_habilitation,
)
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_the_book_lists_the_vaccinations(alice_client, patient, physician):
    VaccinationFactory(
        patient=patient, recorded_by=physician, vaccinated_on=date(2023, 10, 2), lot_number="AB123"
    )
    VaccinationFactory(
        patient=patient, recorded_by=physician, vaccine="Grippe saisonnière", vaccinated_on=date(2024, 10, 15)
    )

    body = words(alice_client.get(url("documents:vaccination", patient)))

    assert "Carnet de vaccination" in body
    assert body.index("15/10/2024") < body.index("02/10/2023")
    assert "Grippe saisonnière" in body and "AB123" in body and "Rappel" in body and "Paul WEBER" in body


def test_a_pharmacist_adds_a_vaccination_and_it_is_traced(alice_client, alice, patient):
    response = alice_client.post(
        url("documents:vaccination", patient),
        {
            "vaccine": "Comirnaty",
            "vaccinated_on": "02/10/2024",
            "dose_type": "rappel",
            "lot_number": "FK1234",
        },
        follow=True,
    )

    assert "La vaccination « Comirnaty » a été ajoutée au carnet." in words(response)
    vaccination = Vaccination.objects.get(patient=patient)
    assert (vaccination.vaccinated_on, vaccination.lot_number, vaccination.recorded_by) == (
        date(2024, 10, 2),
        "FK1234",
        alice,
    )
    [trace] = traces(patient, Action.VACCINATION_ADDED)
    assert trace.actor == alice
    assert "Comirnaty" in words(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"vaccine": "", "vaccinated_on": "02/10/2024", "dose_type": "rappel"}, "Indiquez le vaccin."),
        ({"vaccine": "Comirnaty", "vaccinated_on": "2024-10-02", "dose_type": "rappel"}, "JJ/MM/AAAA"),
        (
            {"vaccine": "Comirnaty", "vaccinated_on": "02/10/2024", "dose_type": ""},
            "Choisissez le type de dose.",
        ),
    ],
)
def test_bad_entries_are_refused_in_french(alice_client, patient, data, message):
    response = alice_client.post(url("documents:vaccination", patient), data)

    assert message in words(response)
    assert not Vaccination.objects.exists()
    assert traces(patient, Action.VACCINATION_ADDED) == []


def test_a_future_date_is_refused(alice_client, patient):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"vaccine": "Comirnaty", "vaccinated_on": f"{tomorrow:%d/%m/%Y}", "dose_type": "rappel"}

    assert "ne peut pas être dans le futur" in words(
        alice_client.post(url("documents:vaccination", patient), data)
    )
    assert not Vaccination.objects.exists()


@pytest.fixture
def technician_client(client, patient):
    """A pharmacy technician (préparateur, profession 39) with the patient's consent declared."""
    technician = ProfessionalFactory(profession=Profession.objects.get(code="39"))
    AuthorizationFactory(patient=patient, professional=technician)
    return login_verified(client, technician, CPSCardFactory(user=technician))


def test_a_profession_that_does_not_vaccinate_has_no_form_and_is_refused(technician_client, patient):
    body = words(technician_client.get(url("documents:vaccination", patient)))
    assert "Ajouter une vaccination" not in body

    response = technician_client.post(
        url("documents:vaccination", patient),
        {"vaccine": "Comirnaty", "vaccinated_on": "02/10/2024", "dose_type": "rappel"},
        follow=True,
    )

    assert "Votre profession ne permet pas d'inscrire une vaccination au carnet." in words(response)
    assert not Vaccination.objects.exists()


def test_the_matrix_decides_who_reads_the_book(technician_client, patient, physician):
    VaccinationFactory(patient=patient, recorded_by=physician, vaccine="Vaccin secret")
    system, code = VACCINATION_HISTORY_TYPE
    set_habilitation("39", DocumentType.objects.get(code_system=system, code=code), may_read=False)

    body = words(technician_client.get(url("documents:vaccination", patient)))

    assert "Vaccin secret" not in body
    assert "Aucune vaccination." in body
