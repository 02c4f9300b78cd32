"""The default habilitation matrix, shipped into an empty matrix by `load()` (from the data migration
documents/migrations/0003_default_habilitations.py, and after a `flush`: documents/apps.py).

The official grid (annex of the arrêté of 26 October 2023) is not published as data. This default
is built from what the workshop and the public documentation say, and is meant to be replaced by an
administrator with `manage.py import_habilitations <annexe.csv>`. Rules are per profession and
rubrique (a few per type); `load()` writes one explicit row per (profession, type) shown in a
rubrique, so that the admin shows every cell. No specialty rule is shipped. A matrix that has rules
(the default, or an imported official grid) is never touched: change this default for existing
databases with a new migration, not only by editing this file.
"""

from documents.reference import RUBRIQUES

ALL_RUBRIQUES = frozenset(code for code, _label, _category in RUBRIQUES)

# Historique des vaccinations, Note de vaccination, COVID-19 Attestation de vaccination.
VACCINATION_TYPES = frozenset({"11369-6", "87273-9", "96874-3"})

# Pharmacy technicians (38, 39) see less than pharmacists: the medication documents they prepare
# and dispense from, nothing else.
PHARMACY_TECHNICIAN_TYPES = frozenset(
    {
        "57833-6",  # Prescription de produits de santé
        "75468-9",  # Renouvellement ordonnance par pharmacien correspondant
        "61357-0",  # Intervention pharmaceutique
        "60593-1",  # Dispensation médicamenteuse
        "DISP_AUT",  # Dispensation (autre)
        "80565-5",  # CR d'administration de médicaments
        "18776-5",  # Plan personnalisé de soins
        "77604-7",  # Planification thérapeutique
        "PROT_ALD",  # Protocole de soins ALD
        "56445-0",  # Bilan médicamenteux (Officine)
        "80820-4",  # Formulaire de conciliation médicamenteuse (Hôpital)
        "DOCPAT02",  # Traitement ou document de soins déposé par le patient
    }
)

CARE_RUBRIQUES = frozenset({"syntheses", "traitements_soins", "comptes_rendus"})

# profession code -> (rubriques it reads, extra type codes it reads)
_GRID: dict[str, tuple[frozenset[str], frozenset[str]]] = {}


def _set(codes: str, rubriques: frozenset[str], types: frozenset[str] = frozenset()) -> None:
    for code in codes.split():
        _GRID[code] = (rubriques, types)


# Professions médicales (CSP, livre Ier de la 4e partie): médecins, chirurgiens-dentistes, sages-femmes.
_set("10 40 50", ALL_RUBRIQUES)
# Pharmaciens: what the workshop lists (comptes rendus including biology, anaesthesia and hospital
# reports; prescriptions, care protocols and dispensations; imaging; syntheses), plus vaccinations
# (pharmacists vaccinate) and the reimbursement history (it lists the medicines dispensed: the
# material of a bilan médicamenteux). Certificates and administrative documents too: on the
# workshop's slide a pharmacist's "Tous les documents (11)" counts Certificats, déclarations (6) and
# Documents administratifs et de gestion (3), which is what the real matrix lets a pharmacist read
# (documents/migrations/0004_pharmacists_read_certificates_and_administrative_documents.py brings an
# untouched default up to date).
PHARMACIST_RUBRIQUES = frozenset(
    {
        "syntheses",
        "traitements_soins",
        "comptes_rendus",
        "imagerie",
        "biologie",
        "certificats",
        "remboursement",
        "administratifs",
    }
)
_set("21", PHARMACIST_RUBRIQUES, VACCINATION_TYPES)
_set("38 39", frozenset(), PHARMACY_TECHNICIAN_TYPES)
# Infirmiers: the care rubriques, results they follow up (biology, imaging) and prevention.
_set("60 69", CARE_RUBRIQUES | {"imagerie", "biologie", "prevention"})
# Other auxiliaires médicaux, appareillage professions, psychologists: the care rubriques, plus the
# results of their own field.
_set("26 28 70 80 81 82 83 84 85 91 92 93 94 95 96", CARE_RUBRIQUES)
_set("32 98", CARE_RUBRIQUES | {"imagerie"})  # physicien médical, manipulateur ERM
_set("86", CARE_RUBRIQUES | {"biologie"})  # technicien de laboratoire médical
# Support roles (assistant dentaire, aide-soignant, ambulancier, auxiliaire de puériculture): syntheses.
_set("31 35 36 37", frozenset({"syntheses"}))


def default_may_read(profession_code: str, type_code: str, rubrique_code: str | None) -> bool:
    """The default cell. A profession not listed here, or a type without rubrique, reads nothing."""
    if rubrique_code is None or profession_code not in _GRID:
        return False
    rubriques, types = _GRID[profession_code]
    return rubrique_code in rubriques or type_code in types


def load(apps) -> int:  # type: ignore[no-untyped-def]
    """Write the default grid if the matrix is empty; returns the number of rules written."""
    profession = apps.get_model("accounts", "Profession")
    document_type = apps.get_model("documents", "DocumentType")
    rule = apps.get_model("documents", "HabilitationRule")
    if rule.objects.exists():
        return 0
    types = list(
        document_type.objects.filter(rubrique__isnull=False).values_list("pk", "code", "rubrique_id")
    )
    created = rule.objects.bulk_create(
        [
            rule(
                profession_id=code,
                specialty="",
                document_type_id=pk,
                may_read=default_may_read(code, type_code, rubrique),
            )
            for code in profession.objects.values_list("code", flat=True)
            for pk, type_code, rubrique in types
        ],
        batch_size=500,
    )
    return len(created)


NOTICE = (
    "La grille officielle (annexe de l'arrêté du 26 octobre 2023) n'est pas publiée sous forme de "
    "données : la matrice livrée est une grille par défaut, construite à partir de ce que l'on sait. "
    "Médecins, chirurgiens-dentistes et sages-femmes lisent tous les documents ; pharmaciens : synthèses, "
    "traitements et soins (prescriptions, dispensations, protocoles), comptes rendus (dont biologie, "
    "anesthésie, hospitalisation), imagerie, biologie, vaccinations, certificats et déclarations, "
    "données de remboursement, documents administratifs et de gestion ; "
    "préparateurs en pharmacie : prescriptions de produits de santé, dispensations, plans de soins et "
    "synthèses médicamenteuses ; infirmiers : synthèses, traitements et soins, comptes rendus, imagerie, "
    "biologie, prévention ; autres auxiliaires médicaux : synthèses, traitements et soins, comptes rendus "
    "(et imagerie ou biologie selon leur métier) ; aides-soignants, ambulanciers, assistants dentaires, "
    "auxiliaires de puériculture : synthèses. Une règle par spécialité l'emporte sur celle de la profession. "
    "Une case absente vaut refus. Remplacez-la par la grille officielle : "
    "« manage.py import_habilitations annexe.csv »."
)
