"""The habilitation matrix: the default grid, and its CSV export and import (all or nothing,
idempotent)."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command

from accounts.models import Profession
from audit.models import Action, Trace
from documents.models import DocumentType, HabilitationRule
from documents.reference.default_matrix import PHARMACY_TECHNICIAN_TYPES

pytestmark = pytest.mark.django_db


def _may_read(profession: str, type_code: str, specialty: str = "") -> bool:
    return HabilitationRule.objects.get(
        profession_id=profession, specialty=specialty, document_type__code=type_code
    ).may_read


def _readable_codes(profession: str) -> set[str]:
    return set(
        HabilitationRule.objects.filter(profession_id=profession, may_read=True).values_list(
            "document_type__code", flat=True
        )
    )


def _export() -> str:
    out = io.StringIO()
    call_command("export_habilitations", stdout=out)
    return out.getvalue()


def _import(tmp_path, content: str, *args: str, name: str = "matrice.csv") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("import_habilitations", str(path), *args, stdout=out)
    return out.getvalue()


# --- The default grid -------------------------------------------------------------------------


def test_the_default_grid_has_a_cell_for_every_profession_and_shown_type():
    shown = DocumentType.objects.filter(rubrique__isnull=False).count()

    assert HabilitationRule.objects.count() == Profession.objects.count() * shown
    assert not HabilitationRule.objects.filter(document_type__rubrique__isnull=True).exists()
    assert not HabilitationRule.objects.exclude(specialty="").exists()


def test_physicians_read_every_shown_type():
    assert not HabilitationRule.objects.filter(profession_id="10", may_read=False).exists()


@pytest.mark.parametrize(
    "type_code",
    [
        "11488-4",  # CR de consultation
        "11502-2",  # CR d'examens biologiques
        "77436-4",  # CR d'anesthésie
        "34749-2",  # CR de consultation pré-anesthésique
        "34112-3",  # CR hospitalier (séjour)
        "57833-6",  # Prescription de produits de santé
        "PROT_ALD",  # Protocole de soins ALD
        "18748-4",  # CR d'imagerie médicale
        "60593-1",  # Dispensation médicamenteuse
        "56445-0",  # Bilan médicamenteux (Officine)
        "SYNTH",  # Synthèse
    ],
)
def test_pharmacists_read_what_the_workshop_lists(type_code):
    assert _may_read("21", type_code)


@pytest.mark.parametrize("rubrique", ["certificats", "administratifs"])
def test_pharmacists_read_certificates_and_administrative_documents_as_on_the_slide(rubrique):
    """The slide's pharmacist counts Certificats, déclarations (6) and Documents administratifs (3)."""
    rules = HabilitationRule.objects.filter(profession_id="21", document_type__rubrique=rubrique)

    assert rules.exists()
    assert not rules.filter(may_read=False).exists()


def test_pharmacists_do_not_read_patient_wishes_or_prevention_reports():
    assert not _may_read("21", "EXPPAT_3")  # Directives anticipées
    assert not _may_read("21", "75492-9")  # CR d'acte diagnostique à visée préventive


# The migration that brings an existing database's default up to date.
_MIGRATION = importlib.import_module(
    "documents.migrations.0004_pharmacists_read_certificates_and_administrative_documents"
)
_ADDED = {"document_type__rubrique__in": ["certificats", "administratifs"]}


def test_the_migration_gives_an_untouched_previous_default_the_corrected_cells():
    pharmacists = HabilitationRule.objects.filter(profession_id="21")
    pharmacists.filter(**_ADDED).update(may_read=False)  # the default shipped before

    _MIGRATION.forwards(django_apps, None)

    assert not pharmacists.filter(**_ADDED, may_read=False).exists()
    _MIGRATION.backwards(django_apps, None)
    assert not pharmacists.filter(**_ADDED, may_read=True).exists()


def test_the_migration_leaves_a_pharmacists_row_an_administrator_changed():
    pharmacists = HabilitationRule.objects.filter(profession_id="21")
    pharmacists.filter(**_ADDED).update(may_read=False)
    pharmacists.filter(document_type__code="EXPPAT_3").update(may_read=True)  # the administrator's choice

    _MIGRATION.forwards(django_apps, None)

    assert not pharmacists.filter(**_ADDED, may_read=True).exists()


@pytest.mark.parametrize("technician", ["38", "39"])
def test_pharmacy_technicians_read_less_than_pharmacists(technician):
    readable = _readable_codes(technician)

    assert readable == set(PHARMACY_TECHNICIAN_TYPES)
    assert readable < _readable_codes("21")
    assert not _may_read(technician, "11502-2")  # biology report


# --- Export / import ----------------------------------------------------------------------------


def test_the_export_lists_every_rule():
    rows = list(csv.DictReader(io.StringIO(_export())))

    assert len(rows) == HabilitationRule.objects.count()
    assert rows[0].keys() == {"profession_code", "specialty", "type_code", "may_read"}
    assert {"profession_code": "39", "specialty": "", "type_code": "60593-1", "may_read": "yes"} in rows


def test_export_then_import_changes_nothing(tmp_path):
    before = set(
        HabilitationRule.objects.values_list("profession_id", "specialty", "document_type_id", "may_read")
    )

    output = _import(tmp_path, _export())

    assert "0 règle(s) créée(s), 0 modifiée(s)" in output
    after = set(
        HabilitationRule.objects.values_list("profession_id", "specialty", "document_type_id", "may_read")
    )
    assert after == before


def test_an_import_changes_cells_adds_specialty_rules_and_is_idempotent(tmp_path):
    content = (
        "profession_code,specialty,type_code,may_read\n"
        "39,,11502-2,yes\n"
        "10,Psychiatrie,89601-9,non\n"
        "21,,60593-1,no\n"
    )

    first = _import(tmp_path, content)
    second = _import(tmp_path, content)

    assert "1 règle(s) créée(s), 2 modifiée(s), 0 inchangée(s)" in first
    assert "0 règle(s) créée(s), 0 modifiée(s), 3 inchangée(s)" in second
    assert _may_read("39", "11502-2")
    assert not _may_read("10", "89601-9", specialty="Psychiatrie")
    assert not _may_read("21", "60593-1")


def test_semicolons_and_a_bom_are_read(tmp_path):
    _import(tmp_path, "\ufeffprofession_code;specialty;type_code;may_read\n39;;11502-2;oui\n")

    assert _may_read("39", "11502-2")


def test_replace_makes_the_file_the_whole_matrix(tmp_path):
    output = _import(tmp_path, "profession_code,specialty,type_code,may_read\n10,,SYNTH,yes\n", "--replace")

    assert HabilitationRule.objects.count() == 1
    assert "supprimée(s)" in output


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("99,,SYNTH,yes", "Ligne 3 : profession « 99 » inconnue (TRE_G15)."),
        ("21,,NOPE,yes", "Ligne 3 : type de document « NOPE » inconnu."),
        ("21,,SYNTH,peut-être", "Ligne 3 : may_read doit valoir yes ou no (reçu « peut-être »)."),
        (
            "21,Officine,SYNTH,yes",
            "Ligne 3 : une spécialité n'est admise que pour les médecins (profession 10).",
        ),
        ("39,,11502-2,no", "Ligne 3 : règle en double (déjà ligne 2)."),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(tmp_path, row, message):
    before = list(HabilitationRule.objects.order_by("pk").values_list("pk", "may_read"))
    content = f"profession_code,specialty,type_code,may_read\n39,,11502-2,yes\n{row}\n"

    with pytest.raises(CommandError) as raised:
        _import(tmp_path, content)

    assert "Rien n'a été importé" in str(raised.value)
    assert message in str(raised.value)
    assert list(HabilitationRule.objects.order_by("pk").values_list("pk", "may_read")) == before


def test_every_bad_row_is_reported_at_once(tmp_path):
    content = "profession_code,specialty,type_code,may_read\n99,,SYNTH,yes\n21,,NOPE,yes\n"

    with pytest.raises(CommandError) as raised:
        _import(tmp_path, content)

    assert "Ligne 2" in str(raised.value)
    assert "Ligne 3" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("profession,type,may_read\n10,SYNTH,yes\n", "Colonnes attendues"),
        ("profession_code,specialty,type_code,may_read\n", "aucune règle"),
    ],
)
def test_a_malformed_file_is_refused(tmp_path, content, message):
    with pytest.raises(CommandError, match=message):
        _import(tmp_path, content)


def test_a_missing_or_non_utf8_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_habilitations", str(tmp_path / "absent.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "profession_code,specialty,type_code,may_read\n10,Médecine,SYNTH,yes\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_habilitations", str(path))


def test_the_export_can_be_written_to_a_file(tmp_path):
    path = tmp_path / "export.csv"
    err = io.StringIO()

    call_command("export_habilitations", "--output", str(path), stderr=err)

    assert path.read_text(encoding="utf-8") == _export()
    assert "règle(s) exportée(s)" in err.getvalue()


def test_an_import_that_changes_the_matrix_is_traced_once_and_a_no_op_is_not(tmp_path):
    content = "profession_code,specialty,type_code,may_read\n10,Psychiatrie,89601-9,non\n"

    _import(tmp_path, content)
    _import(tmp_path, content)

    [trace] = Trace.objects.filter(action=Action.HABILITATIONS_IMPORTED)
    assert (trace.actor, trace.chain, trace.actor_label) == (None, "system", "Système")
    assert trace.details == "1 règle(s) créée(s), 0 modifiée(s), 0 supprimée(s)"
