"""The Historique des accès in a real browser: each row's date and time on one line, on screen and
printed, and a masked document's title in neither."""

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from audit.models import Action
from audit.services import record
from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, CareStayFactory, DocumentFactory, PatientFactory

# live_server answers from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

MASKED = "Consultation de suivi : syndrome anxio-dépressif"
SHOWN = "Compte rendu de consultation de suivi"
# The count of line boxes of each date cell's text.
DATE_LINES = "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c); "
DATE_LINES += "return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"


@pytest.fixture
def patient(alice):
    """Mme RIEHL, in care at Alice's hospital; her physician consulted two documents."""
    patient = PatientFactory(birth_name="Riehl", first_name="Marie")
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    with transaction.atomic():
        for title, masked in ((SHOWN, False), (MASKED, True)):
            document = DocumentFactory(patient=patient, title=title, masked_to_professionals=masked)
            record(actor=document.author, patient=patient, action=Action.DOCUMENT_VIEWED, document=document)
    return patient


def test_history_rows_keep_date_and_time_on_one_line_and_hide_a_masked_title(
    page: Page, live_server, alice_card, patient, assert_accessible
) -> None:
    page.set_viewport_size({"width": 768, "height": 900})  # a tablet: the width where dates wrapped
    login_with_card(page, live_server.url, alice_card.number, DEFAULT_PIN)
    page.goto(f"{live_server.url}/dmp/{patient.code}/historique/")

    history = page.locator("table.dmp-history")
    expect(history).to_contain_text(f"a consulté le document « {SHOWN} »")
    expect(history).to_contain_text("a consulté un document")
    expect(history).not_to_contain_text(MASKED)
    assert set(page.locator(".dmp-history-date").evaluate_all(DATE_LINES)) == {1}
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(history).not_to_contain_text(MASKED)
    assert set(page.locator(".dmp-history-date").evaluate_all(DATE_LINES)) == {1}
