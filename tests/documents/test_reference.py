"""Reference lists loaded by the migrations: counts, derived classes, selectable types, rubriques."""

import pytest
from django.apps import apps as django_apps

from documents import reference
from documents.models import (
    ClassCode,
    ConfidentialityCode,
    DocumentType,
    HabilitationRule,
    MesCategory,
    Rubrique,
)
from documents.reference import default_matrix

pytestmark = pytest.mark.django_db

TYPES = reference.read_rows(reference.DOCUMENT_TYPES_CSV)


def _type(code: str) -> DocumentType:
    return DocumentType.objects.select_related("rubrique", "class_code").get(code=code)


def test_every_reference_row_is_loaded_once():
    assert DocumentType.objects.count() == len(TYPES) == 124
    assert ClassCode.objects.count() == len(reference.read_rows(reference.CLASS_CODES_CSV))
    assert ConfidentialityCode.objects.count() == len(
        reference.read_rows(reference.CONFIDENTIALITY_CODES_CSV)
    )
    assert MesCategory.objects.count() == len(reference.read_rows(reference.MES_CATEGORIES_CSV))


def test_type_codes_are_unique_across_code_systems():
    # import_habilitations names a type by its code alone.
    assert len({row["type_code"] for row in TYPES}) == len(TYPES)


def test_a_types_class_is_the_references_never_another():
    loaded = dict(DocumentType.objects.values_list("code", "class_code_id"))
    for row in TYPES:
        expected = row["dmp_class_code_ASS_X16"] or row["cisis_class_code_ASS_X04_2024-04-26"] or None
        assert loaded[row["type_code"]] == expected, row["type_code"]


def test_selectable_types_are_the_dmps_list_minus_technical_and_unlabelled_ones():
    in_dmp = {row["type_code"] for row in TYPES if row[reference.IN_DMP_COLUMN] == "yes"}
    selectable = set(DocumentType.objects.filter(selectable=True).values_list("code", flat=True))

    # E1762 "Full Document" is a digital signature (technical class); LOINC 11526-1 has no label.
    assert selectable == in_dmp - {"E1762", "11526-1"}
    assert "PIECE-IDENTITE" not in selectable  # not in ASS_X16


def test_every_selectable_type_has_a_rubrique():
    assert not DocumentType.objects.filter(selectable=True, rubrique__isnull=True).exists()


def test_technical_types_have_no_rubrique():
    assert _type("FEUILLE-DE-STYLE").rubrique is None  # class 99
    assert _type("E1762").rubrique is None  # digital signature


def test_the_ten_rubriques_come_in_the_slides_order():
    assert list(Rubrique.objects.values_list("label", flat=True)) == [
        "Synthèses",
        "Traitements et soins",
        "Comptes-rendus",
        "Imagerie médicale",
        "Biologie",
        "Prévention",
        "Certificats, déclarations",
        "Données de remboursement",
        "Autres documents déposés par le patient",
        "Documents administratifs et de gestion",
    ]
    assert Rubrique.objects.get(code="imagerie").mes_category.label == "Radio, écho, scanner, IRM"


@pytest.mark.parametrize(
    ("code", "label", "rubrique"),
    [
        ("56445-0", "Bilan médicamenteux (Officine)", "syntheses"),
        ("60593-1", "Dispensation médicamenteuse", "traitements_soins"),
        ("34749-2", "CR de consultation pré-anesthésique", "comptes_rendus"),
        # The slides override the class: class 10 shown in Traitements et soins, class 11 in Comptes-rendus.
        ("11506-3", "CR ou fiche de suivi de soins par auxiliaire médical", "traitements_soins"),
        ("88348-8", "Lettre de liaison d'entrée en structure sociale ou médico-sociale", "comptes_rendus"),
        # Class exceptions.
        ("11502-2", "CR d'examens biologiques", "biologie"),
        ("75492-9", "CR d'acte diagnostique à visée préventive ou de dépistage", "prevention"),
        ("87273-9", "Note de vaccination", "prevention"),
        # By class.
        ("34112-3", "CR hospitalier (séjour)", "comptes_rendus"),
        ("18748-4", "CR d'imagerie médicale", "imagerie"),
        ("PROT_ALD", "Protocole de soins ALD", "traitements_soins"),
        ("89601-9", "Certificat médical", "certificats"),
        ("REMB", "Données de remboursement", "remboursement"),
        ("EXPPAT_3", "Directives anticipées", "patient"),
        ("ATTEST-DROITS-AM", "Attestation de droits à l'assurance maladie", "administratifs"),
    ],
)
def test_types_land_in_their_rubrique(code, label, rubrique):
    document_type = _type(code)

    assert document_type.label == label
    assert document_type.rubrique_id == rubrique


def test_every_type_the_slides_list_is_in_the_reference_and_in_that_rubrique():
    for rubrique, entries in reference.SLIDES_RUBRIQUES.items():
        for code, _ in entries:
            assert _type(code).rubrique_id == rubrique, code


def test_the_dmps_confidentiality_flags_are_reference_codes():
    codes = set(ConfidentialityCode.objects.filter(in_dmp=True).values_list("code", flat=True))

    assert {"N", "MASQUE_PS", "INVISIBLE_PATIENT", "INVISIBLE_REPRESENTANTS_LEGAUX"} <= codes


def test_loading_again_inserts_nothing_and_keeps_an_administrators_rubrique():
    moved = _type("56445-0")
    moved.rubrique_id = "traitements_soins"
    moved.save()

    reference.load(django_apps)

    assert DocumentType.objects.count() == len(TYPES)
    assert _type("56445-0").rubrique_id == "traitements_soins"


def test_the_default_matrix_fills_an_empty_matrix_only():
    assert default_matrix.load(django_apps) == 0  # the migration already shipped it
    HabilitationRule.objects.exclude(profession_id="10").delete()
    assert default_matrix.load(django_apps) == 0  # an imported grid is never touched

    HabilitationRule.objects.all().delete()
    assert default_matrix.load(django_apps) > 0
    assert HabilitationRule.objects.filter(profession_id="39", may_read=True).count() == len(
        default_matrix.PHARMACY_TECHNICIAN_TYPES
    )
