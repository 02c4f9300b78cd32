"""The habilitation matrix in the admin: a grid per rubrique (types by professions and specialties)
whose cells toggle through documents.habilitations (traced in the administrator's chain), in a
constant number of queries; the flat list's changes go through the same service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Profession
from audit.models import Action, Trace
from documents.models import Document, DocumentType, HabilitationRule
from tests.factories import CareStayFactory, DocumentFactory, PatientFactory
from tests.helpers import text

pytestmark = pytest.mark.django_db

CERTIFICATE = "89601-9"  # Certificat médical (rubrique certificats): the cell these tests toggle
GRID = reverse("admin:documents_habilitationrule_grid")
PHARMACIST = "21"


def _rule(type_code: str, profession: str = PHARMACIST, specialty: str = "") -> HabilitationRule:
    return HabilitationRule.objects.get(
        profession_id=profession, specialty=specialty, document_type__code=type_code
    )


@pytest.fixture(autouse=True)
def _pharmacists_do_not_read_certificates():
    """The cell these tests toggle, whatever the shipped default says of it."""
    HabilitationRule.objects.filter(
        profession_id=PHARMACIST, specialty="", document_type__code=CERTIFICATE
    ).update(may_read=False)


def _cell(type_code: str, may_read: bool, profession: str = PHARMACIST, specialty: str = "") -> str:
    type_id = DocumentType.objects.get(code=type_code).pk
    return f"{type_id}:{'1' if may_read else '0'}:{profession}:{specialty}"


def test_the_grid_shows_one_rubriques_types_against_every_profession(admin_client):
    response = admin_client.get(GRID, {"rubrique": "certificats"})

    grid = response.context["grid"]
    assert [row.document_type.rubrique_id for row in grid.rows] == ["certificats"] * len(grid.rows)
    assert len(grid.columns) == Profession.objects.count()
    pharmacist = next(i for i, c in enumerate(grid.columns) if c.profession.pk == PHARMACIST)
    certificate = next(row for row in grid.rows if row.document_type.code == CERTIFICATE)
    assert certificate.cells[pharmacist].may_read == _rule(CERTIFICATE).may_read
    body = text(response)
    assert "Certificat médical" in body
    assert "Préparateur en pharmacie (officine)" in body


def test_the_grid_filters_by_profession(admin_client):
    response = admin_client.get(GRID, {"rubrique": "certificats", "profession": PHARMACIST})

    assert [column.label for column in response.context["grid"].columns] == ["Pharmacien"]


def test_an_unknown_rubrique_shows_the_filter_error_not_a_500(admin_client):
    response = admin_client.get(GRID, {"rubrique": "inconnue"})

    assert response.status_code == 200
    assert response.context["grid"] is None
    assert "Sélectionnez un choix valide" in text(response)


def test_a_specialty_with_a_rule_gets_its_own_column_inheriting_the_rest(admin_client):
    HabilitationRule.objects.create(
        profession_id="10",
        specialty="Psychiatrie",
        document_type=DocumentType.objects.get(code=CERTIFICATE),
        may_read=False,
    )

    grid = admin_client.get(GRID, {"rubrique": "certificats", "profession": "10"}).context["grid"]

    assert [column.label for column in grid.columns] == ["Médecin", "Médecin — Psychiatrie"]
    rows = {row.document_type.code: row for row in grid.rows}
    assert [(c.may_read, c.explicit) for c in rows[CERTIFICATE].cells] == [(True, True), (False, True)]
    other = next(code for code in rows if code != CERTIFICATE)
    assert rows[other].cells[1].explicit is False


def test_toggling_a_cell_changes_what_a_pharmacist_reads_and_is_traced(admin_client, admin_user, alice):
    patient = PatientFactory()  # in care at Alice's hospital: only the matrix keeps her out
    CareStayFactory(patient=patient, establishment=alice.practices.get().establishment)
    document = DocumentFactory(patient=patient, document_type=DocumentType.objects.get(code=CERTIFICATE))
    assert not Document.objects.visible_to(alice, document.patient).filter(pk=document.pk).exists()
    url = f"{GRID}?rubrique=certificats&profession={PHARMACIST}"

    response = admin_client.post(url, {"cell": _cell(CERTIFICATE, True)})

    assert response.status_code == 302
    assert response["Location"] == url
    assert _rule(CERTIFICATE).may_read is True
    assert Document.objects.visible_to(alice, document.patient).filter(pk=document.pk).exists()
    trace = Trace.objects.get(action=Action.HABILITATION_CHANGED)
    assert (trace.actor, trace.patient, trace.chain) == (admin_user, None, f"actor:{admin_user.pk}")
    assert "Pharmacien — Certificat médical (89601-9) : peut lire" in trace.details
    assert "Pharmacien peut lire « Certificat médical »." in text(admin_client.get(url))


def test_a_cell_without_a_rule_is_created_by_the_toggle(admin_client):
    _rule(CERTIFICATE).delete()

    admin_client.post(GRID, {"cell": _cell(CERTIFICATE, True)})

    assert _rule(CERTIFICATE).may_read is True


@pytest.mark.parametrize(
    "cell",
    ["", "abc", "999999:1:21:", "1:2:21:", "{type}:1:ZZ:", "{type}:1:21:Cardiologie"],
)
def test_a_bad_cell_changes_nothing_and_says_so(admin_client, cell):
    before = list(HabilitationRule.objects.values_list("pk", "may_read").order_by("pk"))
    cell = cell.format(type=DocumentType.objects.get(code=CERTIFICATE).pk)

    response = admin_client.post(GRID, {"cell": cell}, follow=True)

    assert response.status_code == 200
    assert "Rien n'a été modifié." in text(response)
    assert list(HabilitationRule.objects.values_list("pk", "may_read").order_by("pk")) == before
    assert not Trace.objects.filter(action=Action.HABILITATION_CHANGED).exists()


def test_the_grid_costs_the_same_queries_for_a_small_and_a_large_rubrique(
    admin_client, django_assert_num_queries
):
    admin_client.get(GRID, {"rubrique": "biologie"})  # warm the session
    counts = []
    for rubrique in ("biologie", "comptes_rendus"):  # 3 and 32 types, by 30 professions
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(GRID, {"rubrique": rubrique}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        admin_client.get(GRID, {"rubrique": "syntheses"})


def test_the_flat_list_is_no_longer_edited_in_place(admin_client):
    body = text(admin_client.get(reverse("admin:documents_habilitationrule_changelist")))

    assert 'name="form-0-may_read"' not in body
    assert reverse("admin:documents_habilitationrule_grid") in body


def test_a_rule_changed_or_deleted_in_its_admin_page_is_traced(admin_client):
    rule = _rule(CERTIFICATE)
    url = reverse("admin:documents_habilitationrule_change", args=[rule.pk])

    admin_client.post(url, {"may_read": "on"})
    admin_client.post(reverse("admin:documents_habilitationrule_delete", args=[rule.pk]), {"post": "yes"})

    assert not HabilitationRule.objects.filter(pk=rule.pk).exists()
    assert list(Trace.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.HABILITATION_CHANGED,
        Action.HABILITATION_REMOVED,
    ]


def test_professionals_and_strangers_do_not_reach_the_grid(client, alice_client):
    assert alice_client.get(GRID).status_code == 302
    assert alice_client.post(GRID, {"cell": _cell(CERTIFICATE, True)}).status_code == 302
    assert _rule(CERTIFICATE).may_read is False


def test_the_admin_pages_link_the_portals_favicon(admin_client):
    body = text(admin_client.get(reverse("admin:index")))

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body
