"""The Documents tab: the list (sort, filters, pages, archived badge) and the "Parcours de soins"
grid, both through visible_to, with a number of queries that does not grow with the documents."""

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.db import connection
from django.utils import timezone

from documents.forms import PlainSelect, Sort
from documents.models import Document
from documents.views import DOCUMENTS_PER_PAGE
from tests.documents.pages import IMAGING, PATIENT_WISHES, bulk_documents, url, words
from tests.factories import CPSCardFactory, DocumentFactory, DocumentTypeFactory, PhysicianFactory
from tests.helpers import link_to, login_verified

pytestmark = pytest.mark.django_db


def _list(client, patient, **params) -> str:
    response = client.get(url("documents:list", patient), params)
    assert response.status_code == 200
    return words(response)


def _titles(client, patient, **params) -> list[str]:
    response = client.get(url("documents:list", patient), params)
    assert response.status_code == 200
    return [document.title for document in response.context["documents"]]


def _grid(client, patient):
    response = client.get(url("documents:grid", patient))
    assert response.status_code == 200
    return response


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_the_visible_documents_with_their_author_and_the_archived_badge(
    alice_client, patient, make_document
):
    make_document(title="Consultation du 3 mars", document_date=date(2024, 3, 3))
    make_document(title="Ancien compte rendu", status="archive")
    DocumentFactory(
        patient=patient,
        from_health_insurance=True,
        title="Historique de remboursement",
        document_type=DocumentTypeFactory(code="REMB"),
    )

    body = _list(alice_client, patient)

    assert "Liste des documents" in body and "Parcours de soins" in body and "Ajouter un document" in body
    assert "3 document(s)." in body
    assert "03/03/2024" in body and "Consultation du 3 mars" in body
    assert "Paul WEBER Médecin" in body
    assert "Ancien compte rendu Archivé" in body
    assert "Historique de remboursement" in body and "Assurance Maladie Assurance Maladie" in body


def test_a_hidden_document_is_neither_listed_nor_offered_as_a_filter(
    alice_client, patient, make_document, hidden_documents
):
    make_document(title="Visible")

    response = alice_client.get(url("documents:list", patient))
    body = words(response)

    assert [document.title for document in response.context["documents"]] == ["Visible"]
    assert "1 document(s)." in body
    for document in hidden_documents:
        assert document.title not in body
    assert "Directives anticipées" not in body  # the hidden type is not a filter choice


def test_it_sorts_by_date_type_author_and_addition(alice_client, patient, make_document, physician):
    now = timezone.now()
    make_document(title="B", document_date=date(2020, 1, 1), added_at=now - timedelta(days=1))
    make_document(
        title="A", type_code=IMAGING, document_date=date(2022, 1, 1), added_at=now - timedelta(days=3)
    )
    make_document(
        title="C", document_date=date(2021, 1, 1), added_at=now - timedelta(days=2), author_label="Zoé ZELLER"
    )

    assert _titles(alice_client, patient) == ["A", "C", "B"]  # newest document date first
    assert _titles(alice_client, patient, tri="date") == ["B", "C", "A"]
    # "CR d'imagerie médicale" before "CR ou fiche de consultation", then by date
    assert _titles(alice_client, patient, tri="type") == ["A", "C", "B"]
    assert _titles(alice_client, patient, tri="-auteur") == ["C", "A", "B"]
    assert _titles(alice_client, patient, tri="-ajout") == ["B", "C", "A"]
    assert _titles(alice_client, patient, tri="n'importe quoi") == ["A", "C", "B"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rubrique": "imagerie"}, ["Radio"]),
        ({"type": "11488-4"}, ["Consultation 2023", "Consultation 2021"]),
        ({"du": "01/01/2022", "au": "31/12/2023"}, ["Radio", "Consultation 2023"]),
        ({"statut": "archives"}, ["Consultation 2021"]),
        ({"statut": "actifs"}, ["Radio", "Consultation 2023"]),
    ],
)
def test_it_filters_by_rubrique_type_dates_and_status(alice_client, patient, make_document, params, expected):
    make_document(title="Radio", type_code=IMAGING, document_date=date(2023, 6, 1))
    make_document(title="Consultation 2023", document_date=date(2023, 2, 1))
    make_document(title="Consultation 2021", document_date=date(2021, 2, 1), status="archive")

    assert _titles(alice_client, patient, **params) == expected


def test_it_filters_by_author_or_source(alice_client, alice, physician, patient, make_document):
    make_document(title="De Paul")
    make_document(title="D'Alice", author=alice)
    DocumentFactory(
        patient=patient,
        from_health_insurance=True,
        title="Historique de remboursement",
        document_type=DocumentTypeFactory(code="REMB"),
    )

    assert _titles(alice_client, patient, auteur=alice.rpps) == ["D'Alice"]
    assert _titles(alice_client, patient, auteur=physician.rpps) == ["De Paul"]
    assert _titles(alice_client, patient, auteur="assurance_maladie") == ["Historique de remboursement"]


def test_a_wrong_filter_says_so_in_french_and_is_left_out(alice_client, patient, make_document):
    make_document(title="Consultation")

    body = _list(alice_client, patient, du="31/02/2024", rubrique="inconnue")

    assert "Saisissez une date au format JJ/MM/AAAA." in body
    assert "Consultation" in body
    assert "La date de début de la période doit précéder sa date de fin." in _list(
        alice_client, patient, du="02/01/2024", au="01/01/2024"
    )


def test_the_list_is_paginated(alice_client, patient, physician):
    bulk_documents(patient, physician, 50)  # of which about 30 readable by a pharmacist

    first = alice_client.get(url("documents:list", patient))
    second = alice_client.get(url("documents:list", patient) + link_to(first, "Page suivante"))
    last = alice_client.get(url("documents:list", patient) + link_to(first, "Dernière page"))

    visible = first.context["total"].value
    assert f"{visible} document(s)" in words(first)
    assert len(first.context["documents"]) == DOCUMENTS_PER_PAGE
    assert len(second.context["documents"]) == visible - DOCUMENTS_PER_PAGE
    # The last page is the last DOCUMENTS_PER_PAGE documents (a keyset page is always full).
    assert last.context["documents"][-len(second.context["documents"]) :] == second.context["documents"]
    assert {d.pk for d in first.context["documents"]}.isdisjoint(d.pk for d in second.context["documents"])
    assert "Page précédente" in words(second) and "Page suivante" not in words(second)


def test_every_sort_pages_through_the_whole_list_once(alice_client, patient, physician):
    bulk_documents(patient, physician, 50)
    expected = alice_client.get(url("documents:list", patient)).context["total"].value

    for sort in ("date", "-date", "type", "-type", "auteur", "-auteur", "ajout", "-ajout"):
        seen, response = [], alice_client.get(url("documents:list", patient), {"tri": sort})
        seen += response.context["documents"]
        while response.context["page"].has_next():
            response = alice_client.get(url("documents:list", patient) + link_to(response, "Page suivante"))
            seen += response.context["documents"]
        assert len(seen) == len(set(seen)) == expected, sort
        ordering = Sort.ORDERINGS[sort]
        assert [d.pk for d in seen] == [
            d.pk for d in Document.objects.filter(pk__in=[d.pk for d in seen]).order_by(*ordering)
        ], sort


# --- the grid ---------------------------------------------------------------------------------


def test_the_grid_shows_the_years_that_hold_documents_with_counts(alice_client, patient, make_document):
    make_document(type_code=IMAGING, document_date=date(2005, 5, 1))
    make_document(document_date=date(2021, 1, 1))
    make_document(document_date=date(2021, 7, 1))

    response = _grid(alice_client, patient)
    grid = response.context["grid"]
    body = words(response)

    assert "De 2005 à 2021" in body  # as on the slide: no column for 2006-2020, none for this year
    assert grid.years == [2005, 2021]
    rows = {row.rubrique.code: row for row in grid.rows}
    assert len(rows) == 10
    assert rows["imagerie"].total == 1 and rows["comptes_rendus"].total == 2
    assert {cell.year: cell.count for cell in rows["comptes_rendus"].cells if cell.count} == {2021: 2}
    assert "Imagerie médicale (1)" in body and "Comptes-rendus (2)" in body and "Synthèses" in body
    # A cell opens the list filtered on its rubrique and year.
    link = f"{url('documents:list', patient)}?rubrique=comptes_rendus&amp;du=01/01/2021&amp;au=31/12/2021"
    html = response.content.decode()
    assert f'href="{link}" aria-label="Comptes-rendus, 2021 : 2 document(s)">2</a>' in html
    assert html.count('class="dmp-grid-count"') == 2  # one link per filled cell, none for an empty one
    assert (
        len(_titles(alice_client, patient, rubrique="comptes_rendus", du="01/01/2021", au="31/12/2021")) == 2
    )


def test_a_masked_document_is_in_no_cell_and_adds_no_year(alice_client, patient, make_document):
    make_document(document_date=date(2010, 1, 1))
    make_document(title="Masqué", masked_to_professionals=True, document_date=date(2001, 1, 1))

    grid = _grid(alice_client, patient).context["grid"]

    assert grid.years == [2010]  # the patient's secret does not stretch the grid
    assert grid.total == 1


@pytest.mark.parametrize(
    "secret",
    [{"status": "supprime"}, {"masked_to_professionals": True}],
    ids=["deleted", "masked"],
)
def test_only_the_matrix_gives_a_year_to_a_document_the_viewer_does_not_see(
    alice_client, patient, make_document, secret
):
    """The slide's empty columns: a year holding only documents her profession does not read is a
    column, empty; a masked or deleted document gives no year."""
    make_document(document_date=date(2010, 1, 1))
    make_document(title="Directives", type_code=PATIENT_WISHES, document_date=date(2005, 1, 1))
    make_document(title="Secret", document_date=date(2001, 1, 1), **secret)

    response = _grid(alice_client, patient)
    grid = response.context["grid"]

    assert grid.years == [2005, 2010]
    assert "De 2005 à 2010" in words(response)
    assert [cell.count for row in grid.rows for cell in row.cells if cell.year == 2005] == [0] * 10
    assert grid.total == 1
    assert next(row for row in grid.rows if row.rubrique.code == "patient").total == 0
    assert "Directives" not in response.content.decode()


def test_an_empty_record_has_no_grid(alice_client, patient):
    assert "Aucun document." in words(_grid(alice_client, patient))


# --- the number of queries does not grow with the documents ----------------------------------

# Session, user, CPS card, patient, the six of the access decision, the header's profession, then:
LIST_QUERIES = 11 + 5  # filter choices (types, authors), rubriques, count, page
# Grid: counts, years, rubriques; its trace (savepoint, chain head, insert, head update, release,
# and on PostgreSQL the chain's advisory lock first).
GRID_TRACE_QUERIES = 6 if connection.vendor == "postgresql" else 5
GRID_QUERIES = 11 + 3 + GRID_TRACE_QUERIES


@pytest.mark.parametrize("count", [10, 500])
@pytest.mark.parametrize(
    ("name", "params", "queries"),
    [
        ("documents:list", {}, LIST_QUERIES),
        ("documents:list", {"rubrique": "comptes_rendus", "tri": "auteur", "page": "2"}, LIST_QUERIES),
        ("documents:grid", {}, GRID_QUERIES),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_documents(
    alice_client, patient, physician, count, name, params, queries, django_assert_max_num_queries
):
    bulk_documents(patient, physician, count)
    alice_client.get(url("patients:summary", patient))  # the opening is traced on the first page

    with django_assert_max_num_queries(queries):
        response = alice_client.get(url(name, patient), params)

    assert response.status_code == 200


def test_a_document_outside_the_pharmacists_matrix_is_counted_for_a_physician(client, patient, make_document):
    """The same pages, for a reader the matrix lets read it (the attending physician)."""
    attending = PhysicianFactory()
    patient.dmp_attending_physicians.add(attending)
    make_document(type_code=PATIENT_WISHES, masked_to_professionals=True, title="Directives masquées")
    login_verified(client, attending, CPSCardFactory(user=attending))

    assert "Directives masquées" in _list(client, patient)
    assert "Autres documents déposés par le patient (1)" in words(_grid(client, patient))


def test_the_filters_plain_select_draws_what_djangos_select_draws():
    """documents.forms.PlainSelect: the same <select>, escaped and marked alike, without a template
    per option."""
    choices = [("", "Tous"), ("10000000001", 'Dr <b>"Weber"</b> & Cie'), ("patient", "Le patient")]
    drawn = []
    for widget in (forms.Select(attrs={"class": "form-select"}), PlainSelect(attrs={"class": "form-select"})):
        widget.choices = choices
        html = widget.render("auteur", "10000000001", attrs={"id": "id_auteur", "aria-describedby": "aide"})
        drawn.append(re.sub(r">\s+<", "><", str(html)).strip())

    (django_tag, django_options), (plain_tag, plain_options) = (html.split(">", 1) for html in drawn)
    assert plain_options == django_options
    assert sorted(plain_tag.split()) == sorted(django_tag.split())  # the same attributes, in any order
    assert (
        '<option value="10000000001" selected>Dr &lt;b&gt;&quot;Weber&quot;&lt;/b&gt; &amp; Cie</option>'
        in drawn[1]
    )
