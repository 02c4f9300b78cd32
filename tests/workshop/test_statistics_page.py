"""The "Le DMP en chiffres" page: who sees what, and whether its tables tell the truth."""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action
from audit.services import record
from documents.models import DocumentStatus
from patients.access import Mode
from tests.factories import DocumentFactory, PatientFactory, PhysicianFactory, ProfessionalFactory
from tests.helpers import text

URL = reverse("workshop:statistics")
SURVEY_TITLE = "Usage du DMP par les pharmaciens hospitaliers (part des répondants)"


def table(page: str, title: str) -> list[tuple[str, str]]:
    """The (label, figure) rows of the table whose caption names the chart `title`."""
    match = re.search(
        rf"<caption>Les chiffres du graphique « {re.escape(title)} »</caption>(.*?)</table>", page, re.S
    )
    assert match, f"no table for {title!r}"
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', match.group(1), re.S)
    return [(label.strip(), figure.strip()) for label, figure in rows]


def documents(count: int, *, patient, author, **kwargs) -> None:
    for _ in range(count):
        DocumentFactory(patient=patient, author=author, added_by=author, **kwargs)


def openings(count: int, *, patient, actor, mode: Mode) -> None:
    with transaction.atomic():
        for _ in range(count):
            record(actor=actor, patient=patient, action=Action.RECORD_OPENED, mode=mode.value)


@pytest.fixture
def patient(db):
    return PatientFactory()


@pytest.fixture
def physician(db):
    return PhysicianFactory()


def test_it_sends_the_anonymous_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_shows_a_professional_the_slides_survey_in_the_slides_words(alice_client):
    page = text(alice_client.get(URL))
    assert "Enquête auprès des pharmaciens hospitaliers des MCO de la région" in page
    assert "58 réponses de 49 établissements différents" in page
    assert table(page, SURVEY_TITLE) == [
        ("savent comment accéder au DMP des patients", "23\xa0%"),
        ("utilisent une MSSanté pour contacter d'autres professionnels de santé", "21\xa0%"),
        ("ont des échanges avec leurs CPTS sur ce sujet", "10\xa0%"),
        ("accèdent au DMP via leur DPI", "5\xa0%"),
        ("utilisent les informations patients du DMP dans leur pratique", "3\xa0%"),
        ("utilisent la MS citoyenne pour échanger avec leurs patients", "0\xa0%"),
    ]


def test_it_hides_the_portals_figures_from_a_professional_who_is_not_a_trainer(
    alice_client, patient, physician
):
    documents(6, patient=patient, author=physician)
    page = text(alice_client.get(URL))
    assert "L'activité du portail" not in page
    assert "Documents par rubrique" not in page
    assert "Ouvertures de DMP" not in page
    assert "Comptes-rendus" not in page


@pytest.mark.parametrize("viewer", ["trainer_client", "admin_client"])
def test_it_shows_trainers_and_administrators_the_survey_and_the_portals_figures(request, viewer):
    page = text(request.getfixturevalue(viewer).get(URL))
    assert "58 réponses de 49 établissements différents" in page
    assert "L'activité du portail" in page
    assert len(table(page, "Documents par rubrique")) == 10
    assert "Documents par année" in page
    assert table(page, "Documents par origine")
    assert table(page, "Ouvertures de DMP par mode d'accès")


def test_a_chart_with_nothing_to_count_says_so(trainer_client):
    page = text(trainer_client.get(URL))
    assert re.search(r"Documents par année</figcaption>\s*<p>Rien à compter pour l'instant.</p>", page)


def test_a_staff_member_without_the_administrator_login_is_refused(client, admin_user):
    from tests.helpers import login_verified

    login_verified(client, admin_user, admin_user.totpdevice_set.get())
    assert client.get(URL).status_code == 403


def test_opening_the_page_to_administrators_opens_no_other_page_to_them(admin_client):
    assert admin_client.get(reverse("patients:my_patients")).status_code == 403


def test_the_tables_count_the_documents_by_rubrique_year_and_source(trainer_client, patient, physician):
    this_year = datetime.date.today().year
    documents(7, patient=patient, author=physician, document_date=datetime.date(this_year - 1, 3, 1))
    documents(
        6,
        patient=patient,
        author=None,
        from_health_insurance=True,
        document_date=datetime.date(this_year, 1, 2),
    )
    documents(
        5, patient=patient, author=None, from_patient=True, document_date=datetime.date(this_year, 1, 3)
    )
    # A deleted document is no longer in any DMP: not counted.
    documents(1, patient=patient, author=physician, status=DocumentStatus.DELETED)

    page = text(trainer_client.get(URL))

    rubriques = dict(table(page, "Documents par rubrique"))
    assert rubriques["Comptes-rendus"] == "18"  # 11488-4 and DOCPAT03 are both reports
    assert rubriques["Biologie"] == "0"
    assert len(rubriques) == 10
    assert table(page, "Documents par année") == [(str(this_year - 1), "7"), (str(this_year), "11")]
    assert table(page, "Documents par origine") == [
        ("Professionnel de santé", "7"),
        ("Assurance Maladie", "6"),
        ("Patient", "5"),
    ]


def test_the_table_counts_the_dmp_openings_by_access_mode(trainer_client, patient, physician):
    openings(6, patient=patient, actor=physician, mode=Mode.CONSENT)
    openings(8, patient=patient, actor=physician, mode=Mode.CARE_TEAM)
    openings(5, patient=patient, actor=physician, mode=Mode.EMERGENCY)
    with transaction.atomic():  # searches and history reads are not openings
        record(actor=physician, patient=patient, action=Action.HISTORY_VIEWED, mode=Mode.CONSENT.value)

    page = text(trainer_client.get(URL))

    assert table(page, "Ouvertures de DMP par mode d'accès") == [
        ("Membre de l'équipe de soins (consentement présumé)", "8"),
        ("Consentement du patient déclaré", "6"),
        ("Accès en urgence (bris de glace)", "5"),
        ("Accès en urgence par le SAMU (régulation)", "0"),
    ]


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_total(trainer_client, patient, physician):
    openings(9, patient=patient, actor=physician, mode=Mode.CONSENT)
    openings(6, patient=patient, actor=physician, mode=Mode.CARE_TEAM)
    openings(1, patient=patient, actor=physician, mode=Mode.REGULATION)

    page = text(trainer_client.get(URL))

    assert table(page, "Ouvertures de DMP par mode d'accès") == [
        ("Membre de l'équipe de soins (consentement présumé)", "masqué"),
        ("Consentement du patient déclaré", "9"),
        ("Accès en urgence (bris de glace)", "0"),
        ("Accès en urgence par le SAMU (régulation)", "< 5"),
    ]


def test_the_page_runs_as_many_queries_with_many_documents_and_traces_as_with_none(
    trainer_client, patient, physician
):
    with CaptureQueriesContext(connection) as empty:
        trainer_client.get(URL)
    documents(3, patient=patient, author=physician, document_date=datetime.date(2019, 5, 1))
    documents(4, patient=patient, author=None, from_health_insurance=True)
    documents(2, patient=patient, author=None, from_patient=True, document_date=datetime.date(2021, 5, 1))
    for mode in Mode:
        openings(2, patient=PatientFactory(), actor=ProfessionalFactory(), mode=mode)
    with CaptureQueriesContext(connection) as full:
        trainer_client.get(URL)
    assert len(full) == len(empty)


def test_it_refuses_a_post(trainer_client):
    assert trainer_client.post(URL).status_code == 405


def test_the_menu_links_to_the_page_for_professionals(alice_client):
    page = text(alice_client.get(reverse("patients:my_patients")))
    assert f'href="{URL}"' in page
    assert "LE DMP EN CHIFFRES" in page


def test_the_menu_of_an_administrator_links_only_to_the_pages_they_may_reach(admin_client):
    page = text(admin_client.get(URL))
    assert f'href="{URL}"' in page
    assert "MES PATIENTS" not in page
    assert "PARAMÉTRAGES" not in page
