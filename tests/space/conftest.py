"""Mon espace santé: `patient` (an adult with an email), `other` (another patient), the FISCHBACH-like
family (`mother`, `minor`, `adult_child`) and `physician`, who declared `patient`'s consent."""

import datetime

import pytest
from django.test import Client

from tests.factories import AuthorizationFactory, DocumentFactory, PatientFactory, PhysicianFactory
from tests.helpers import login_patient


@pytest.fixture
def patient(db):
    return PatientFactory(birth_name="Holtz", first_name="Marc", email="marc.holtz@example.test")


@pytest.fixture
def other(db):
    return PatientFactory(birth_name="Autre", first_name="Paul", email="paul.autre@example.test")


@pytest.fixture
def physician(patient):
    physician = PhysicianFactory(first_name="Paul", last_name="Weber")
    AuthorizationFactory(patient=patient, professional=physician)
    return physician


@pytest.fixture
def mother(db):
    return PatientFactory(birth_name="Fisch", first_name="Aurelie", email="aurelie@example.test")


@pytest.fixture
def minor(mother):
    child = PatientFactory(
        birth_name="Fisch", first_name="Nathan", birth_date=datetime.date.today().replace(year=2016)
    )
    child.legal_representatives.add(mother)
    return child


@pytest.fixture
def adult_child(mother):
    child = PatientFactory(birth_name="Fisch", first_name="Lea", birth_date=datetime.date(1990, 1, 1))
    child.legal_representatives.add(mother)
    return child


@pytest.fixture
def patient_client(patient) -> Client:
    return login_patient(Client(), patient)


@pytest.fixture
def document(patient, physician):
    return DocumentFactory(patient=patient, author=physician, title="Compte rendu cardiologie")
