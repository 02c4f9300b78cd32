""" "Le DMP en chiffres" in a real browser: reached from the menu, accessible, no CSP violation,
and readable on paper (print media: white background, charts and tables kept, no menu)."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, DocumentFactory, PatientFactory, PhysicianFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal_documents(transactional_db):
    physician = PhysicianFactory()
    patient = PatientFactory()
    for year, count in ((2022, 6), (2023, 9), (2024, 2), (2025, 12)):
        for _ in range(count):
            DocumentFactory(
                patient=patient, author=physician, added_by=physician, document_date=datetime.date(year, 5, 1)
            )
    for _ in range(7):
        DocumentFactory(patient=patient, author=None, from_health_insurance=True)


def test_a_trainer_reads_the_survey_and_the_portals_figures_on_screen_and_on_paper(
    page: Page, live_server, trainer, portal_documents, assert_accessible, tmp_path
) -> None:
    failures: list[str] = []
    page.on("console", lambda m: failures.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login_with_card(page, live_server.url, trainer.cpscard_set.get().number, DEFAULT_PIN)

    page.get_by_role("link", name="LE DMP EN CHIFFRES").click()

    expect(page.get_by_role("heading", name="Le DMP en chiffres", level=1)).to_be_visible()
    survey = page.get_by_role(
        "img", name="Usage du DMP par les pharmaciens hospitaliers (part des répondants)"
    )
    expect(survey).to_be_visible()
    expect(
        page.get_by_role("table", name="Les chiffres du graphique « Documents par année »")
    ).to_contain_text("< 5")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "statistics.png", full_page=True)

    page.emulate_media(media="print")
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    expect(page.locator(".dmp-header")).to_be_hidden()
    expect(survey).to_be_visible()
    for table in page.locator("table.dmp-chart-table").all():
        expect(table).to_be_visible()
    page.screenshot(path=tmp_path / "statistics-print.png", full_page=True)
    assert failures == []


def test_a_professional_sees_the_survey_only(
    page: Page, live_server, alice, alice_card, assert_accessible, tmp_path
) -> None:
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.get_by_role("link", name="LE DMP EN CHIFFRES").click()
    expect(page.get_by_text("58 réponses de 49 établissements différents", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="L'activité du portail")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the chart scales, its table follows
    page.screenshot(path=tmp_path / "statistics-phone.png", full_page=True)
