"""Annuaire santé search: what a professional typing a colleague's name, profession, commune,
structure or RPPS finds, page after page, at a constant number of queries."""

import pytest

from accounts.models import Profession
from directory.search import Criteria, directory_search
from patients.normalize import search_key
from tests.factories import DirectoryEntryFactory, DirectoryPracticeFactory

pytestmark = pytest.mark.django_db


def _names(criteria: Criteria, **kwargs) -> list[str]:
    return [entry.display_name for entry in directory_search(criteria, **kwargs).entries]


def _by_name(text: str) -> Criteria:
    return Criteria(name=search_key(text))


def test_accents_case_hyphens_and_apostrophes_do_not_matter():
    DirectoryEntryFactory(last_name="Lefèvre-Dupont", first_name="Zoé")
    DirectoryEntryFactory(last_name="N'Diaye", first_name="Aminata")
    DirectoryEntryFactory(last_name="Œillet", first_name="Gaëlle")

    assert _names(_by_name("lefevre dupont")) == ["Zoé LEFÈVRE-DUPONT"]
    assert _names(_by_name("LEFÈVRE-DUPONT zoe")) == ["Zoé LEFÈVRE-DUPONT"]
    assert _names(_by_name("n diaye")) == ["Aminata N'DIAYE"]
    assert _names(_by_name("ndiaye")) == []  # the apostrophe separates two words, as on the ID card
    assert _names(_by_name("oeil")) == ["Gaëlle ŒILLET"]


def test_a_partial_name_finds_every_name_that_begins_with_it_in_name_order():
    for last_name in ("Martinez", "Martin", "Marchal", "Lemartin"):
        DirectoryEntryFactory(last_name=last_name, first_name="Julie")

    assert _names(_by_name("mart")) == ["Julie MARTIN", "Julie MARTINEZ"]
    assert _names(_by_name("martin ju")) == ["Julie MARTIN"]
    assert _names(_by_name("martin jul")) == ["Julie MARTIN"]
    assert _names(_by_name("martin p")) == []


def test_the_profession_filter_keeps_that_profession_only():
    DirectoryEntryFactory(last_name="Weber", first_name="Anne", profession=Profession.objects.get(code="21"))
    DirectoryEntryFactory(last_name="Weber", first_name="Paul", profession=Profession.objects.get(code="60"))

    assert _names(Criteria(profession="21")) == ["Anne WEBER"]
    assert _names(Criteria(name="WEB", profession="60")) == ["Paul WEBER"]
    assert _names(Criteria(name="WEB", profession="10")) == []


def test_the_rpps_finds_exactly_one_professional():
    wanted = DirectoryEntryFactory(last_name="Klein", first_name="Marc")
    DirectoryEntryFactory(last_name="Klein", first_name="Luc")

    assert _names(Criteria(rpps=wanted.rpps)) == ["Marc KLEIN"]
    assert (
        _names(Criteria(rpps=wanted.rpps[:-1] + "0" if wanted.rpps[-1] != "0" else wanted.rpps[:-1] + "1"))
        == []
    )
    assert _names(Criteria(rpps=wanted.rpps, name="LUC")) == []  # every criterion applies


def test_the_specialty_filter():
    physician = Profession.objects.get(code="10")
    DirectoryEntryFactory(last_name="Roth", first_name="Eva", profession=physician, specialty="Pédiatrie")
    DirectoryEntryFactory(last_name="Roth", first_name="Ida", profession=physician, specialty="Gériatrie")

    assert _names(Criteria(specialty="Pédiatrie")) == ["Eva ROTH"]


def test_the_commune_matches_whole_and_lists_each_professional_once():
    colmar = DirectoryPracticeFactory(entry__last_name="Haas", entry__first_name="Léa", city="Colmar").entry
    DirectoryPracticeFactory(
        entry=colmar, structure_name="Cabinet HAAS", city="Colmar"
    )  # two situations there
    DirectoryPracticeFactory(entry__last_name="Haas", entry__first_name="Tom", city="Saint-Louis")
    DirectoryPracticeFactory(entry__last_name="Ott", entry__first_name="Tom", city="Saint-Louis-lès-Bitche")

    assert _names(Criteria(city="COLMAR")) == ["Léa HAAS"]
    assert _names(Criteria(city=search_key("saint louis"))) == ["Tom HAAS"]
    assert _names(Criteria(city="COLMAR", name="OTT")) == []
    assert _names(Criteria(city=search_key("Saint-Louis"), profession="60")) == ["Tom HAAS"]
    assert _names(Criteria(city=search_key("Saint-Louis"), profession="21")) == []


def test_the_structure_matches_by_its_beginning():
    DirectoryPracticeFactory(
        entry__last_name="Frey", entry__first_name="Noé", structure_name="Hôpital Saint-Nicolas"
    )
    DirectoryPracticeFactory(
        entry__last_name="Heitz", entry__first_name="Éva", structure_name="Hôpital Pasteur"
    )
    DirectoryPracticeFactory(
        entry__last_name="Kuntz", entry__first_name="Ida", structure_name="Clinique de l'Hôpital"
    )

    assert _names(Criteria(structure=search_key("hopital saint"))) == ["Noé FREY"]
    assert _names(Criteria(structure=search_key("hôpital"))) == [
        "Éva HEITZ",
        "Noé FREY",
    ]  # Pasteur < Saint-Nicolas


@pytest.mark.parametrize(
    "criteria",
    [_by_name("martin"), Criteria(profession="60"), Criteria(city="COLMAR"), Criteria(structure="CENTRE")],
    ids=["name", "profession", "city", "structure"],
)
def test_pages_follow_each_other_without_gap_or_repeat(criteria):
    for first_name in ("Ana", "Bea", "Cyd", "Dan", "Eve"):
        for _ in range(3):  # homonyms: the id breaks the tie
            DirectoryPracticeFactory(
                entry__last_name="Martin",
                entry__first_name=first_name,
                structure_name="Centre hospitalier de Colmar",
            )
    expected = sorted(
        directory_search(criteria, size=100).entries, key=lambda entry: (entry.name_key, entry.pk)
    )

    seen, cursor = [], None
    while True:
        page = directory_search(criteria, after=cursor, size=4)
        seen += page.entries
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [entry.pk for entry in seen] == [entry.pk for entry in expected]
    assert len(seen) == 15


def test_an_unknown_cursor_gives_the_first_page():
    DirectoryEntryFactory(last_name="Martin", first_name="Ana")

    page = directory_search(_by_name("martin"), after=999_999)

    assert not page.cursor_found
    assert [entry.display_name for entry in page.entries] == ["Ana MARTIN"]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "criteria",
    [
        lambda entries: _by_name("martin"),
        lambda entries: Criteria(profession="60"),
        lambda entries: Criteria(city="COLMAR"),
        lambda entries: Criteria(rpps=entries[-1].rpps),
    ],
    ids=["name", "profession", "city", "rpps"],
)
def test_a_page_costs_the_same_queries_however_many_entries(criteria, count, django_assert_num_queries):
    entries = []
    for _ in range(count):
        practice = DirectoryPracticeFactory(entry__last_name="Martin")
        DirectoryPracticeFactory(entry=practice.entry, city="Colmar", structure_name="Pharmacie du Centre")
        practice.entry.mailboxes.create(address=f"{practice.entry.rpps}@infirmier.mssante.fr")
        entries.append(practice.entry)
    criteria = criteria(entries)
    first = directory_search(criteria, size=10)
    assert first.entries

    # the range read, the entries with their profession, their situations, their addresses
    with django_assert_num_queries(4):
        page = directory_search(criteria, size=10)
        for result in page.results:
            assert result.entry.profession.label and result.situations and result.addresses
    if first.next_cursor is not None:  # and the cursor's row on the next pages
        with django_assert_num_queries(5):
            directory_search(criteria, after=first.next_cursor, size=10)
