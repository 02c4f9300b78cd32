"""The seeded demo's rich record (M. HOLTZINGER) as the slides show it to a pharmacist: "Tous les
documents (11)" in the slide's rubriques and years, and less for the préparateur and the nurse, as
the habilitation matrix says. Read through the pages, as a trainee would."""

import pytest
from django.test import Client

from accounts.models import CPSCard, User
from patients.models import Patient
from tests.documents.pages import url, words
from tests.factories import AuthorizationFactory
from tests.helpers import login_verified
from workshop.demo import PROFESSIONALS, RICH_RECORD, seed_demo

pytestmark = pytest.mark.django_db

MARCHAL, KIEFFER, _ROTHENBACH, WENDLING, GERBAUT, _LORRAIN = (item.rpps for item in PROFESSIONALS)

# The slide: "Tous les documents (11)" and the grid's non-empty rows, cell by cell.
SLIDE_ROWS = {
    "imagerie": {2023: 1},
    "certificats": {2021: 4, 2022: 1, 2023: 1},
    "remboursement": {2023: 1},
    "administratifs": {2022: 1, 2023: 2},
}
SLIDE_QUICK_ACCESS = [
    "Imagerie médicale (1)",
    "Certificats, déclarations (6)",
    "Données de remboursement (1)",
    "Documents administratifs et de gestion (3)",
]
# The record's documents are dated 2021, 2022 and 2023: the grid's columns for everyone who may
# open it (the slide's 2005-2007 and 2024 columns held documents the presenter could not read).
RECORD_YEARS = [2021, 2022, 2023]


@pytest.fixture
def record(db, settings) -> Patient:
    settings.DMP_DEMO_MODE = True
    seed_demo()
    return Patient.objects.get(ins=RICH_RECORD.ins)


def _client_of(rpps: str) -> Client:
    user = User.objects.get(rpps=rpps)
    return login_verified(Client(), user, CPSCard.objects.get(user=user))


def _grid(client: Client, patient: Patient):
    response = client.get(url("documents:grid", patient))
    assert response.status_code == 200 and "grid" in response.context, "not the grid page"
    return response


def _filled(grid) -> dict[str, dict[int, int]]:
    return {
        row.rubrique.code: {cell.year: cell.count for cell in row.cells if cell.count}
        for row in grid.rows
        if row.total
    }


def test_elise_marchal_sees_the_slides_eleven_documents_in_its_rubriques_and_years(record):
    client = _client_of(MARCHAL)  # pharmacist of his hospital: care team, presumed consent

    summary = words(client.get(url("patients:summary", record)))
    listed = client.get(url("documents:list", record))
    grid = _grid(client, record)

    assert "Tous les documents (11)" in summary
    for label in SLIDE_QUICK_ACCESS:
        assert label in summary, label
    assert "11 document(s)" in words(listed)
    assert _filled(grid.context["grid"]) == SLIDE_ROWS
    assert grid.context["grid"].years == RECORD_YEARS
    assert "De 2021 à 2023" in words(grid)


def test_the_grid_has_the_same_columns_for_the_pharmacist_and_the_attending_physician(record):
    for rpps in (MARCHAL, WENDLING):
        grid = _grid(_client_of(rpps), record)

        assert grid.context["grid"].years == RECORD_YEARS, rpps
        assert "De 2021 à 2023" in words(grid), rpps


def test_the_nurse_sees_only_the_imaging(record):
    AuthorizationFactory(patient=record, professional=User.objects.get(rpps=GERBAUT))  # consent declared
    client = _client_of(GERBAUT)

    grid = _grid(client, record)

    assert "Tous les documents (1)" in words(client.get(url("patients:summary", record)))
    assert _filled(grid.context["grid"]) == {"imagerie": {2023: 1}}
    assert grid.context["grid"].years == RECORD_YEARS  # the others' years stay, empty


def test_the_pharmacy_technician_sees_none_of_them_and_empty_columns(record):
    client = _client_of(KIEFFER)  # same hospital: care team

    grid = _grid(client, record)

    assert "Tous les documents (0)" in words(client.get(url("patients:summary", record)))
    assert grid.context["grid"].total == 0
    assert grid.context["grid"].years == RECORD_YEARS
    assert "De 2021 à 2023" in words(grid)
