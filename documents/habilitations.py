"""The habilitation matrix: one cell changed by an administrator (traced), or the whole matrix as
CSV, for `manage.py export_habilitations` / `import_habilitations`.

Columns: profession_code (TRE_G15), specialty (empty: the whole profession), type_code (the
document type's code, as in dmp_document_types.csv), may_read (yes/no; oui/non, true/false, 1/0
are also read). Comma or semicolon separated, UTF-8 (with or without BOM).

An import checks every row first and imports nothing if one is wrong (the errors name their line);
then it writes in one transaction. Importing the same file twice changes nothing the second time.
"""

import csv
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.http import HttpRequest

from accounts.models import PHYSICIAN_CODE, Profession, User
from audit.models import Action
from audit.services import record
from documents.models import DocumentType, HabilitationRule

COLUMNS = ["profession_code", "specialty", "type_code", "may_read"]
TRUE_VALUES = frozenset({"yes", "oui", "true", "vrai", "1"})
FALSE_VALUES = frozenset({"no", "non", "false", "faux", "0"})
MAX_ERRORS_SHOWN = 50


class HabilitationImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        lines = [*shown, f"… et {more} autre(s) erreur(s)."] if more else shown
        super().__init__("Rien n'a été importé :\n" + "\n".join(lines))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deleted: int


def _cell_label(rule: HabilitationRule) -> str:
    """ "Médecin (Radiologie) — CR d'imagerie médicale (18748-4)": enough to find the cell again."""
    who = rule.profession.label + (f" ({rule.specialty})" if rule.specialty else "")
    return f"{who} — {rule.document_type.label} ({rule.document_type.code})"


@transaction.atomic
def habilitation_set(
    *,
    actor: User,
    profession: Profession,
    specialty: str = "",
    document_type: DocumentType,
    may_read: bool,
    request: HttpRequest | None = None,
) -> HabilitationRule:
    """Set one cell of the matrix (creating its rule if needed); traced in the actor's chain, since
    a cell concerns every patient and no one in particular. Setting the value it has writes nothing."""
    rule = (
        HabilitationRule.objects.select_for_update()
        .filter(profession=profession, specialty=specialty.strip(), document_type=document_type)
        .first()
    )
    if rule is not None and rule.may_read == may_read:
        return rule
    if rule is None:
        rule = HabilitationRule(
            profession=profession, specialty=specialty.strip(), document_type=document_type
        )
    rule.may_read = may_read
    rule.full_clean()
    rule.save()
    verdict = "peut lire" if may_read else "ne peut pas lire"
    record(
        actor=actor,
        action=Action.HABILITATION_CHANGED,
        details=f"{_cell_label(rule)} : {verdict}",
        request=request,
    )
    return rule


@transaction.atomic
def habilitation_delete(*, actor: User, rule: HabilitationRule, request: HttpRequest | None = None) -> None:
    """Remove a rule: without one, the profession (or the specialty's profession rule) decides."""
    record(actor=actor, action=Action.HABILITATION_REMOVED, details=_cell_label(rule), request=request)
    rule.delete()


def habilitations_export(stream: TextIO) -> int:
    """Write the whole matrix as CSV; returns the number of rules written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = HabilitationRule.objects.order_by(
        "profession_id", "specialty", "document_type__code_system", "document_type__code"
    ).values_list("profession_id", "specialty", "document_type__code", "may_read")
    count = 0
    for profession, specialty, type_code, may_read in rows.iterator():
        writer.writerow([profession, specialty, type_code, "yes" if may_read else "no"])
        count += 1
    return count


def _reader(stream: TextIO) -> csv.DictReader:
    first = stream.readline().lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    return csv.DictReader(stream, fieldnames=[name.strip() for name in header], delimiter=delimiter)


def _parse(stream: TextIO) -> dict[tuple[str, str, int], bool]:
    reader = _reader(stream)
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise HabilitationImportError(
            [f"Colonnes attendues : {', '.join(COLUMNS)} (manquantes : {', '.join(missing)})."]
        )
    professions = set(Profession.objects.values_list("code", flat=True))
    types: dict[str, list[int]] = {}
    for pk, code in DocumentType.objects.values_list("pk", "code"):
        types.setdefault(code, []).append(pk)

    errors: list[str] = []
    cells: dict[tuple[str, str, int], bool] = {}
    seen_on: dict[tuple[str, str, int], int] = {}
    for row in reader:
        line = reader.line_num + 1  # the header was read apart
        profession = (row.get("profession_code") or "").strip()
        specialty = (row.get("specialty") or "").strip()
        type_code = (row.get("type_code") or "").strip()
        value = (row.get("may_read") or "").strip().lower()
        row_errors = []
        if profession not in professions:
            row_errors.append(f"profession « {profession} » inconnue (TRE_G15)")
        elif specialty and profession != PHYSICIAN_CODE:
            row_errors.append(
                f"une spécialité n'est admise que pour les médecins (profession {PHYSICIAN_CODE})"
            )
        if type_code not in types:
            row_errors.append(f"type de document « {type_code} » inconnu")
        elif len(types[type_code]) > 1:
            row_errors.append(f"type de document « {type_code} » ambigu (plusieurs systèmes de codes)")
        if value not in TRUE_VALUES | FALSE_VALUES:
            row_errors.append(f"may_read doit valoir yes ou no (reçu « {value} »)")
        if row_errors:
            errors.append(f"Ligne {line} : " + " ; ".join(row_errors) + ".")
            continue
        key = (profession, specialty, types[type_code][0])
        if key in seen_on:
            errors.append(f"Ligne {line} : règle en double (déjà ligne {seen_on[key]}).")
            continue
        seen_on[key] = line
        cells[key] = value in TRUE_VALUES
    if errors:
        raise HabilitationImportError(errors)
    if not cells:
        raise HabilitationImportError(["Le fichier ne contient aucune règle."])
    return cells


@transaction.atomic
def habilitations_import(stream: TextIO, *, replace: bool = False) -> ImportResult:
    """Load a matrix: every row is checked before anything is written. With `replace`, the rules
    the file does not mention are removed (the file becomes the whole matrix)."""
    cells = _parse(stream)
    existing = {
        (rule.profession_id, rule.specialty, rule.document_type_id): rule
        for rule in HabilitationRule.objects.select_for_update()
    }
    to_create, to_update = [], []
    for (profession, specialty, type_id), may_read in cells.items():
        rule = existing.get((profession, specialty, type_id))
        if rule is None:
            to_create.append(
                HabilitationRule(
                    profession_id=profession, specialty=specialty, document_type_id=type_id, may_read=may_read
                )
            )
        elif rule.may_read != may_read:
            rule.may_read = may_read
            to_update.append(rule)
    HabilitationRule.objects.bulk_create(to_create, batch_size=500)
    HabilitationRule.objects.bulk_update(to_update, ["may_read"], batch_size=500)
    deleted = 0
    if replace:
        stale = [rule.pk for key, rule in existing.items() if key not in cells]
        for start in range(0, len(stale), 500):
            deleted += HabilitationRule.objects.filter(pk__in=stale[start : start + 500]).delete()[0]
    result = ImportResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(cells) - len(to_create) - len(to_update),
        deleted=deleted,
    )
    if result.created or result.updated or result.deleted:
        # From the command line: no actor, the "system" chain (audit.services.chain_for).
        record(
            actor=None,
            action=Action.HABILITATIONS_IMPORTED,
            details=(
                f"{result.created} règle(s) créée(s), {result.updated} modifiée(s), "
                f"{result.deleted} supprimée(s)"
            ),
        )
    return result
