"""Official code lists, copied from ../shared/reference/ and loaded into the database, and the
rubriques that dmp.fr displays on top of them.

`load()` is idempotent: it inserts what is missing and leaves existing rows alone (an
administrator's choice of rubrique for a type survives). It runs from the data migration and again
after every `post_migrate` (documents/apps.py), so the codes come back after a `flush` (pytest-django
empties the tables after each transactional test), as accounts.reference does.

A type's class is read from the reference (DMP class of ASS_X16, else the CI-SIS class of
ASS_X04), never chosen apart. Its rubrique is computed here once, by the data migration, and then
lives as data (DocumentType.rubrique, editable in the admin):
1. a type that the workshop slides list under SYNTHESE, TRAITEMENTS ET SOINS or COMPTES RENDUS
   goes to that rubrique (SLIDES_RUBRIQUES);
2. otherwise a few named types leave their class's rubrique (CLASS_EXCEPTIONS: biology reports
   go to Biologie, prevention reports and vaccination documents to Prévention);
3. otherwise the class decides (CLASS_RUBRIQUES). Technical classes (99, digital signature) have
   no rubrique: their documents are never shown and their types never chosen.
"""

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent

DOCUMENT_TYPES_CSV = "dmp_document_types.csv"
CLASS_CODES_CSV = "dmp_class_codes.csv"
CONFIDENTIALITY_CODES_CSV = "dmp_confidentiality_codes.csv"
MES_CATEGORIES_CSV = "mes_document_categories.csv"

# The column that says a type may be chosen for a new DMP document (DMP's ASS_X16 of 2024-02-23).
IN_DMP_COLUMN = "in_DMP_ASS_X16_2024-02-23"


def read_rows(filename: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The ten rubriques of dmp.fr, in the order of the workshop slides' grid, with their labels there
# ("Comptes-rendus", "Certificats, déclarations") and the matching category of the patient's app
# (mes_document_categories.csv).
RUBRIQUES: list[tuple[str, str, str]] = [
    ("syntheses", "Synthèses", "SYNTHESE"),
    ("traitements_soins", "Traitements et soins", "ORD_SOIN"),
    ("comptes_rendus", "Comptes-rendus", "CPT_REND"),
    ("imagerie", "Imagerie médicale", "RADIO_SC"),
    ("biologie", "Biologie", "BIOLOGIE"),
    ("prevention", "Prévention", "DEPISTAG"),
    ("certificats", "Certificats, déclarations", "CERT_MED"),
    ("remboursement", "Données de remboursement", "REMB"),
    ("patient", "Autres documents déposés par le patient", "AUTR_DOC"),
    ("administratifs", "Documents administratifs et de gestion", "DOC_ADM"),
]

# The slides' lists ("Exemples de documents disponibles"), as (type code, label on the slide).
# Two slide labels differ slightly from the reference's ("déposés" / "déposé", "Dossier" /
# "Document de liaison d'urgence", "CR de bilan fonctionnel (par auxiliaire médical)"); the
# slides' "Synthèse du dossier médical" has no type in the reference and is left out.
SLIDES_RUBRIQUES: dict[str, list[tuple[str, str]]] = {
    "syntheses": [
        ("DOCPAT01", "Synthèse déposée par le patient"),
        ("DOCPAT08", "Profil médical Mon espace santé"),
        ("SYNTH", "Synthèse"),
        ("34133-9", "Synthèse d'épisode de soins"),
        ("68817-6", "Bilan de santé et de prévention de l'enfant"),
        ("68599-0", "Synthèse psychiatrique"),
        ("83901-9", "Bilan psychologique"),
        ("18761-7", "Note de transfert (dont lettre de liaison à l'entrée en établissement de soins)"),
        ("56445-0", "Bilan médicamenteux (Officine)"),
        ("80820-4", "Formulaire de conciliation médicamenteuse (Hôpital)"),
        ("74207-2", "Dossier de liaison d'urgence"),
        ("34842-5", "Grille d'évaluation médico-social"),
        ("83836-7", "Schéma dentaire"),
    ],
    "traitements_soins": [
        ("DOCPAT02", "Traitement ou document de soins déposés par le patient"),
        ("80565-5", "CR d'administration de médicaments"),
        ("11506-3", "CR ou fiche de suivi de soins par auxiliaire médical"),  # class 10
        ("60593-1", "Dispensation médicamenteuse"),
        ("DISP_AUT", "Dispensation (autre)"),
        ("18776-5", "Plan personnalisé de soins"),
        ("80788-3", "Projet personnalisé d'accompagnement"),
        ("77604-7", "Planification thérapeutique"),
        ("57833-6", "Prescription de produits de santé"),
        ("57832-8", "Prescription de soins"),
        ("75468-9", "Renouvellement ordonnance par pharmacien correspondant"),
        ("61357-0", "Intervention pharmaceutique"),
        ("PRESC-ORTHOPHO", "Prescription d'actes d'orthophonie"),
        ("PROT_ALD", "Protocole de soins ALD"),
    ],
    "comptes_rendus": [
        ("93024-8", "CR de consultation pharmaceutique"),
        ("78601-2", "CR d'entretien pharmaceutique"),
        ("34794-8", "CR de réunion de concertation pluridisciplinaire"),
        ("34112-3", "CR hospitalier (séjour)"),
        ("88348-8", "Lettre de liaison d'entrée en structure sociale ou médico-sociale"),  # class 11
        ("83981-1", "Lettre de liaison à la sortie d'une structure sociale ou médico-sociale"),
        ("11490-0", "Lettre de liaison à la sortie d'un établissement de soins"),
        ("DOCPAT03", "CR déposé par le patient"),
        ("67851-6", "CR d'admission"),
        ("BIL_AUTO", "CR de bilan d'évaluation de la perte d'autonomie"),
        ("47420-5", "CR de bilan fonctionnel (par auxiliaire médical)"),
        ("34749-2", "CR de consultation pré-anesthésique"),
        ("15507-7", "CR de passage aux urgences"),
    ],
}

# Types that leave their class's rubrique.
CLASS_EXCEPTIONS: dict[str, str] = {
    # Class 10 biology reports. Molecular genetics is a medical biology examination (CSP L6211-1).
    "11502-2": "biologie",  # CR d'examens biologiques
    "DOCPAT05": "biologie",  # CR de biologie déposé par le patient
    "51969-4": "biologie",  # CR de génétique moléculaire
    # Class 10 prevention reports.
    "DOCPAT06": "prevention",  # CR de prévention déposé par le patient
    "75482-0": "prevention",  # CR d'acte thérapeutique à visée préventive
    "75492-9": "prevention",  # CR d'acte diagnostique à visée préventive ou de dépistage
    # Class 52 vaccination documents.
    "11369-6": "prevention",  # Historique des vaccinations
    "87273-9": "prevention",  # Note de vaccination
    "96874-3": "prevention",  # COVID-19 Attestation de vaccination
}

CLASS_RUBRIQUES: dict[str, str] = {
    "10": "comptes_rendus",
    "11": "syntheses",
    "31": "imagerie",
    "42": "traitements_soins",
    "43": "traitements_soins",
    "44": "traitements_soins",
    "45": "traitements_soins",
    "52": "certificats",
    "60": "remboursement",
    "90": "patient",
    "95": "administratifs",
    # "99" (document technique) and the digital-signature class: no rubrique.
}


def slides_rubrique(type_code: str) -> str | None:
    for rubrique, entries in SLIDES_RUBRIQUES.items():
        if any(code == type_code for code, _ in entries):
            return rubrique
    return None


def rubrique_for(type_code: str, class_code: str | None) -> str | None:
    """The rubrique a type is first given (then it is data, editable in the admin)."""
    return (
        slides_rubrique(type_code) or CLASS_EXCEPTIONS.get(type_code) or CLASS_RUBRIQUES.get(class_code or "")
    )


def type_class_code(row: dict[str, str]) -> str | None:
    """The type's class: the DMP's (ASS_X16), else the CI-SIS one (ASS_X04), else none."""
    return row["dmp_class_code_ASS_X16"] or row["cisis_class_code_ASS_X04_2024-04-26"] or None


def type_label(row: dict[str, str]) -> str:
    # One row of the reference (LOINC 11526-1, retired from JDV_J07) has no label.
    return row["label_fr_JDV_J07"] or f"{row['type_code']} (sans libellé dans le référentiel)"


def type_selectable(row: dict[str, str], rubrique: str | None) -> bool:
    """May be chosen for a new document: in the DMP's list (ASS_X16), shown in a rubrique, and
    labelled (a type nobody can recognise in a drop-down is not offered)."""
    return row[IN_DMP_COLUMN] == "yes" and rubrique is not None and bool(row["label_fr_JDV_J07"])


def load(apps) -> None:  # type: ignore[no-untyped-def]
    """Insert the missing class codes, confidentiality codes, Mon espace santé categories,
    rubriques and document types (class from the reference, rubrique from `rubrique_for`)."""
    class_code = apps.get_model("documents", "ClassCode")
    confidentiality_code = apps.get_model("documents", "ConfidentialityCode")
    mes_category = apps.get_model("documents", "MesCategory")
    rubrique = apps.get_model("documents", "Rubrique")
    document_type = apps.get_model("documents", "DocumentType")

    class_code.objects.bulk_create(
        [
            class_code(
                code=row["class_code"],
                label=row["label_fr_TRE_A03"],
                in_dmp=row["in_JDV_J57_ClassCode_DMP"] == "yes",
            )
            for row in read_rows(CLASS_CODES_CSV)
        ],
        ignore_conflicts=True,
    )
    confidentiality_code.objects.bulk_create(
        [
            confidentiality_code(
                code=row["code"],
                code_system=row["code_system"],
                code_system_oid=row["code_system_oid"],
                label=row["label_fr"],
                in_dmp=row["in_JDV_J58_ConfidentialityCode_DMP"] == "yes",
            )
            for row in read_rows(CONFIDENTIALITY_CODES_CSV)
        ],
        ignore_conflicts=True,
    )
    mes_category.objects.bulk_create(
        [
            mes_category(
                code=row["mes_category_code"],
                app_enum=row["app_enum"],
                label=row["label_fr_in_app"],
                filterable=row["filterable_in_app"] == "yes",
            )
            for row in read_rows(MES_CATEGORIES_CSV)
        ],
        ignore_conflicts=True,
    )
    rubrique.objects.bulk_create(
        [
            rubrique(code=code, label=label, position=position, mes_category_id=category)
            for position, (code, label, category) in enumerate(RUBRIQUES, start=1)
        ],
        ignore_conflicts=True,
    )
    types = []
    for row in read_rows(DOCUMENT_TYPES_CSV):
        class_id = type_class_code(row)
        rubrique_id = rubrique_for(row["type_code"], class_id)
        types.append(
            document_type(
                code_system=row["code_system_name"],
                code=row["type_code"],
                label=type_label(row),
                class_code_id=class_id,
                rubrique_id=rubrique_id,
                selectable=type_selectable(row, rubrique_id),
            )
        )
    document_type.objects.bulk_create(types, ignore_conflicts=True)
