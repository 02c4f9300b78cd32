"""The Récapitulatif's "Documents médicaux" block: the slides' wording, counts through visible_to,
"5 derniers documents ajoutés (N nouveau(x))", and a constant number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from patients.views import OPENED_SESSION_KEY
from tests.documents.pages import SYNTHESIS, bulk_documents, url, words
from tests.helpers import text

pytestmark = pytest.mark.django_db


def _summary(client, patient) -> str:
    response = client.get(url("patients:summary", patient))
    assert response.status_code == 200
    return words(response)


def _leave(client, patient) -> None:
    """End this visit: the next page opens the DMP again (and traces it), as a new session would."""
    session = client.session
    session[OPENED_SESSION_KEY] = [
        code for code in session.get(OPENED_SESSION_KEY, []) if code != str(patient.code)
    ]
    session.save()


def test_it_speaks_as_the_slides_do(alice_client, patient, make_document):
    make_document(title="Consultation de suivi")

    body = _summary(alice_client, patient)

    for expected in (
        "Documents médicaux",
        "Tous les documents (1)",
        "Liste des documents",
        "Parcours de soins",
        "Accès rapide",
        "Comptes-rendus (1)",
        "Aucun document de synthèse",
        "0 document(s) non visible(s) par le patient",
        "Ajouter un document",
        "5 derniers documents ajoutés (1 nouveau(x))",
        "Consultation de suivi",
        "par Paul WEBER - Médecin",
    ):
        assert expected in body, expected


def test_links_lead_to_the_list_the_grid_the_rubrique_and_the_form(alice_client, patient, make_document):
    make_document()
    body = text(alice_client.get(url("patients:summary", patient)))

    assert f'href="{url("documents:list", patient)}"' in body
    assert f'href="{url("documents:grid", patient)}"' in body
    assert f'href="{url("documents:list", patient)}?rubrique=comptes_rendus"' in body
    assert f'href="{url("documents:add", patient)}"' in body


def test_a_hidden_document_is_in_no_count_and_not_in_the_latest_five(
    alice_client, patient, make_document, hidden_documents
):
    make_document(title="Consultation visible", added_at=timezone.now() - timedelta(days=1))

    body = _summary(alice_client, patient)

    assert "Tous les documents (1)" in body
    assert "(1 nouveau(x))" in body
    assert "Consultation visible" in body
    for document in hidden_documents:
        assert document.title not in body
    assert "Autres documents déposés par le patient" not in body


def test_the_latest_five_are_the_last_added_and_archived_ones_are_flagged(
    alice_client, patient, make_document
):
    now = timezone.now()
    for day in range(7):
        make_document(
            title=f"Document du jour {day}",
            added_at=now - timedelta(days=day),
            status="archive" if day == 1 else "actif",
        )

    body = _summary(alice_client, patient)

    assert "Tous les documents (7)" in body
    for day in range(5):
        assert f"Document du jour {day}" in body
    assert "Document du jour 5" not in body and "Document du jour 6" not in body
    assert body.index("Document du jour 0") < body.index("Document du jour 4")
    assert "Archivé" in body


def test_documents_not_visible_to_the_patient_are_counted(alice_client, patient, make_document):
    make_document(announcement=True)
    make_document()

    assert "1 document(s) non visible(s) par le patient" in _summary(alice_client, patient)


def test_the_latest_synthesis_replaces_aucun_document_de_synthese(alice_client, patient, make_document):
    make_document(
        type_code=SYNTHESIS,
        title="Synthèse médicale 2023",
        document_date=timezone.localdate() - timedelta(days=400),
    )
    make_document(
        type_code=SYNTHESIS,
        title="Synthèse médicale 2024",
        document_date=timezone.localdate() - timedelta(days=30),
    )

    body = _summary(alice_client, patient)

    assert "Aucun document de synthèse" not in body
    assert "Dernière synthèse : Synthèse médicale 2024" in body


def test_an_archived_synthesis_is_counted_and_named_alike(alice_client, patient, make_document):
    """Mme RIEHL's case: her only synthèse is archived. "Synthèses (1)" and the synthèse line agree."""
    make_document(type_code=SYNTHESIS, title="Conciliation médicamenteuse", status="archive")

    body = _summary(alice_client, patient)

    assert "Synthèses (1)" in body
    assert "Aucun document de synthèse" not in body
    assert "Dernière synthèse : Conciliation médicamenteuse" in body and "Archivé" in body


def test_an_active_synthesis_comes_before_a_later_archived_one(alice_client, patient, make_document):
    today = timezone.localdate()
    make_document(type_code=SYNTHESIS, title="Synthèse en cours", document_date=today - timedelta(days=90))
    make_document(type_code=SYNTHESIS, title="Synthèse archivée", document_date=today, status="archive")

    body = _summary(alice_client, patient)

    assert "Synthèses (2)" in body
    assert "Dernière synthèse : Synthèse en cours" in body


def test_new_means_added_by_someone_else_since_my_previous_opening(
    alice_client, alice, patient, physician, make_document
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        make_document(title="Avant ma première visite", added_at=start - timedelta(days=30))
        make_document(title="Le mien", author=alice, added_at=start - timedelta(days=29))
        # First opening: what others added is new to me, my own document is not.
        assert "(1 nouveau(x))" in _summary(alice_client, patient)
        # Within the same visit nothing changes.
        assert "(1 nouveau(x))" in _summary(alice_client, patient)
    _leave(alice_client, patient)

    # Minutes later (the session is still alive), a colleague has added a document.
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        make_document(title="Après ma visite", added_at=start + timedelta(minutes=2))
        body = _summary(alice_client, patient)

    assert "(1 nouveau(x))" in body
    assert "Après ma visite Nouveau" in body
    assert "Avant ma première visite Nouveau" not in body
    assert "Le mien Nouveau" not in body


@pytest.mark.parametrize("count", [10, 500])
def test_the_number_of_queries_does_not_grow_with_the_documents(
    alice_client, patient, physician, count, django_assert_max_num_queries
):
    bulk_documents(patient, physician, count)
    _summary(alice_client, patient)  # the opening is traced on the first page only

    with django_assert_max_num_queries(SUMMARY_QUERIES):
        body = _summary(alice_client, patient)

    assert "Tous les documents (" in body


# Session, user, CPS card (OTP), patient, the six of the access decision; the block: grid counts,
# rubriques, previous opening, latest five, synthesis, new count, not visible by the patient; the
# header's profession.
SUMMARY_QUERIES = 18
