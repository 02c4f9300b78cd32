"""A whole trainee scenario in one browser while the trainer, in another, watches the dashboard
tick each step (the grid is polled every 5 s: each expectation waits long enough for a poll)."""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Browser, Page, expect

from accounts.models import ECPSDevice
from tests.documents import badfiles
from tests.e2e.test_login import login_with_card
from tests.factories import DEFAULT_PIN, CPSCardFactory, PracticeFactory
from tests.helpers import code_for
from workshop.demo import RICH_RECORD
from workshop.services import workshop_session_create

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(tempfile.gettempdir())  # looked at by hand
POLLED = 15_000  # ms: three polls
STEPS = [
    "Connexion e-CPS",
    "Recherche par identité",
    "Consentement",
    "Parcours de soins",
    "Document ouvert",
    "Bilan médicamenteux ajouté",
    "Historique des accès",
]
CONSENT = (
    "Le patient (ou son représentant légal), préalablement informé, consent au fait que j'accède à son DMP."
)


@pytest.fixture
def trainer(transactional_db):
    user = PracticeFactory(
        professional__first_name="Françoise", professional__last_name="Formatrice"
    ).professional
    user.user_permissions.add(Permission.objects.get(codename="run_workshop"))
    CPSCardFactory(user=user)
    return user


@pytest.fixture
def session(trainer):
    return workshop_session_create(
        trainer=trainer, name="Atelier de Colmar", on=datetime.date.today(), professions=["pharmacien"]
    )


def _expect_ticked(dashboard: Page, done: int) -> None:
    """The first `done` steps of poste 1 say "✓ Fait", the others "À faire" (words, not colours)."""
    cells = dashboard.locator("#grille-parcours tbody tr").first.locator("td")
    for index in range(len(STEPS)):
        expected = "✓ Fait" if index < done else "À faire"
        expect(cells.nth(index)).to_contain_text(expected, timeout=POLLED)


def test_the_trainer_watches_a_trainee_do_every_step_of_the_slides(
    page: Page, browser: Browser, live_server, trainer, session, tmp_path, assert_accessible
):
    trainee = session.trainees.select_related("user").get()
    base = live_server.url

    trainer_context = browser.new_context()
    dashboard = trainer_context.new_page()
    csp_violations: list[str] = []
    for watched in (page, dashboard):
        watched.on(
            "console",
            lambda message: (
                csp_violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
    login_with_card(dashboard, base, trainer.cpscard_set.get().number, DEFAULT_PIN)
    dashboard.goto(f"{base}/atelier/{session.code}/tableau-de-bord/")
    for step in STEPS:
        expect(dashboard.get_by_role("columnheader", name=step)).to_be_visible()
    _expect_ticked(dashboard, 0)
    expect(dashboard.locator("#grille-parcours")).to_contain_text("aucune étape faite")
    assert_accessible(dashboard)

    # 1. e-CPS
    page.goto(f"{base}/connexion/")
    page.get_by_role("link", name="Application e-CPS").click()
    page.locator("#id_rpps").fill(trainee.user.rpps)
    page.get_by_role("button", name="Se connecter").click()
    page.locator("#id_token").fill(code_for(ECPSDevice.objects.get(user=trainee.user)))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Parcours de l'atelier : 1 étape(s) faite(s) sur 7")).to_be_visible()
    _expect_ticked(dashboard, 1)
    expect(dashboard.locator("#grille-parcours")).to_contain_text("Recherche par identité depuis")

    # 2. identity search
    page.get_by_role("link", name="Rechercher un patient").click()
    page.get_by_label("Nom (d'usage ou de naissance)").fill(RICH_RECORD.birth_name)
    page.get_by_label("Prénom").fill(RICH_RECORD.first_name)
    page.get_by_label("Sexe").select_option(RICH_RECORD.sex)
    page.get_by_label("Date ou année de naissance (JJ/MM/AAAA ou AAAA)").fill(
        f"{RICH_RECORD.birth_date:%d/%m/%Y}"
    )
    page.get_by_role("button", name="Rechercher").click()
    _expect_ticked(dashboard, 2)

    # 3. consent
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Accéder au DMP").click()
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text("Récapitulatif")
    _expect_ticked(dashboard, 3)

    # 4. the rubriques by years grid
    page.get_by_role("link", name="Parcours de soins").first.click()
    expect(page.get_by_role("heading", name="Parcours de soins")).to_be_visible()
    _expect_ticked(dashboard, 4)

    # 5. open a document (from a cell of the grid, then its page)
    page.locator("a.dmp-grid-count").first.click()
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    with page.expect_download():
        page.get_by_role("link", name="Télécharger").click()
    _expect_ticked(dashboard, 5)

    # 6. a "Bilan médicamenteux (Officine)" PDF, with a confidentiality choice
    pdf = tmp_path / "bilan.pdf"
    pdf.write_bytes(badfiles.simple_pdf())
    page.get_by_role("link", name="Récapitulatif").click()
    page.get_by_role("link", name="Ajouter un document").click()
    page.locator("#id_file").set_input_files(pdf)
    page.get_by_label("Type du document").select_option(label="Bilan médicamenteux (Officine)")
    page.get_by_label("Titre").fill("Bilan médicamenteux de sortie")
    page.get_by_label("Date de début").fill("22/01/2024")
    page.get_by_label("Date de fin").fill("30/01/2024")
    page.get_by_label("Document masqué aux professionnels").check()
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("a été ajouté au DMP")).to_be_visible()
    _expect_ticked(dashboard, 6)

    # 7. the access history
    page.get_by_role("link", name="Historique des accès").click()
    expect(page.locator("table.dmp-history")).to_contain_text("a consulté l'historique des accès")
    _expect_ticked(dashboard, 7)
    expect(dashboard.locator("#grille-parcours")).to_contain_text("Parcours terminé")
    expect(page.get_by_text("Parcours de l'atelier : 7 étape(s) faite(s) sur 7")).to_be_visible()
    page.get_by_text("Parcours de l'atelier").click()  # the checklist opens
    assert_accessible(page)
    page.screenshot(path=SHOTS / "progress-trainee.png", full_page=True)

    assert_accessible(dashboard)
    dashboard.screenshot(path=SHOTS / "progress-dashboard.png", full_page=True)

    dashboard.get_by_role("link", name="Historique du poste 1").click()
    history = dashboard.locator("table.dmp-history")
    # The trainer reads no document of the sandbox: the line says what was done, not which one.
    expect(history).to_contain_text("a ajouté un document")
    expect(history).not_to_contain_text("Bilan médicamenteux de sortie")
    expect(history).to_contain_text("a consulté le parcours de soins")
    assert_accessible(dashboard)
    dashboard.screenshot(path=SHOTS / "progress-history.png", full_page=True)
    assert csp_violations == []  # the poll is a static script, its fragment has no inline code
    trainer_context.close()
