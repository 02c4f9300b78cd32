"""Messaging's world: `alice` (tests/conftest.py, hospital pharmacist) writes; `bruno`, a
physician of another hospital, and `pharmacy`, an organisational mailbox whose members are
`claire` and `denis`; `patient` is in care at Alice's hospital (so within her scope and DMP);
`outsider`, a professional who is none of these."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents import filestore
from messaging.mailboxes import personal_mailbox
from messaging.models import Mailbox, MailboxKind
from tests.documents import badfiles
from tests.factories import (
    CareStayFactory,
    CPSCardFactory,
    PatientFactory,
    PhysicianFactory,
    PracticeFactory,
    ProfessionalFactory,
)
from tests.helpers import login_patient, login_verified


def _with_card(user):
    CPSCardFactory(user=user, number=f"26{user.pk:08d}")  # apart from alice's 2700000001
    return user


@pytest.fixture
def bruno(db):
    return _with_card(
        PracticeFactory(professional=PhysicianFactory(first_name="Bruno", last_name="Léger")).professional
    )


@pytest.fixture
def claire(db):
    return _with_card(ProfessionalFactory(first_name="Claire", last_name="Noël"))


@pytest.fixture
def denis(db):
    return _with_card(ProfessionalFactory(first_name="Denis", last_name="Roy"))


@pytest.fixture
def outsider(db):
    return _with_card(ProfessionalFactory(first_name="Oscar", last_name="Tiers"))


@pytest.fixture
def pharmacy(claire, denis):
    mailbox = Mailbox(
        kind=MailboxKind.ORGANISATION,
        address="pharmacie@chru-nancy.mssante.fr",
        label="Pharmacie — CHRU de Nancy",
    )
    mailbox.full_clean()
    mailbox.save()
    mailbox.members.add(claire, denis)
    return mailbox


@pytest.fixture
def patient(alice):
    patient = PatientFactory(birth_name="Holtz", first_name="Marc", email="marc@example.test")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    return patient


@pytest.fixture
def alice_box(alice):
    return personal_mailbox(alice)


def client_of(user) -> Client:
    return login_verified(Client(), user, user.cpscard_set.first())


@pytest.fixture
def patient_client(patient) -> Client:
    return login_patient(Client(), patient)


def pdf(name: str = "ordonnance.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, badfiles.simple_pdf(), content_type="application/pdf")


def accepted_pdf(name: str = "ordonnance.pdf") -> filestore.AcceptedFile:
    return filestore.accept(pdf(name))
