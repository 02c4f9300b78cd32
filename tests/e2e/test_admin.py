"""The administration in a real browser: the habilitation matrix's grid, toggled by a click;
accessible, no CSP violation, no missing favicon."""

import pytest
from playwright.sync_api import Page, expect

from documents.models import HabilitationRule
from tests.helpers import code_for

# live_server answers from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def login_as_administrator(page: Page, base_url: str, admin_user) -> None:
    page.goto(f"{base_url}/connexion/administration/")
    page.locator("#id_username").fill(admin_user.username)
    page.locator("#id_password").fill("mot-de-passe-administrateur")
    page.locator("#id_token").fill(code_for(admin_user.totpdevice_set.get()))
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Administration du portail")).to_be_visible()


def test_the_matrix_grid_toggles_a_cell_and_is_accessible(
    page: Page, live_server, admin_user, assert_accessible, tmp_path
) -> None:
    failures: list[str] = []
    page.on("console", lambda m: failures.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    certificate = HabilitationRule.objects.filter(
        profession_id="21", specialty="", document_type__code="89601-9"
    )
    certificate.update(may_read=False)  # whatever the shipped default says of this cell
    login_as_administrator(page, live_server.url, admin_user)

    page.goto(f"{live_server.url}/admin/documents/habilitationrule/")
    page.get_by_role("link", name="Vue en grille (par rubrique)").click()
    page.get_by_label("Rubrique").select_option(label="Certificats, déclarations")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("table.habilitation-grid")).to_contain_text("Certificat médical")
    assert_accessible(page)
    page.screenshot(path=tmp_path / "grid.png")

    row = page.get_by_role("row").filter(has_text="Certificat médical")
    row.get_by_title("Pharmacien — Certificat médical", exact=True).click()

    expect(page.get_by_text("Pharmacien peut lire « Certificat médical ».")).to_be_visible()
    assert certificate.get().may_read
    assert_accessible(page)
    page.screenshot(path=tmp_path / "grid-toggled.png")
    assert failures == []
