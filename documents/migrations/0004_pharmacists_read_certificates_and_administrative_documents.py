"""Pharmacists read certificates and administrative documents (the workshop's slide: a pharmacist's
"Tous les documents (11)" counts Certificats, déclarations (6) and Documents administratifs et de
gestion (3)); documents/reference/default_matrix.py ships it to new databases.

An existing database gets the corrected cells only if its pharmacists' row is still the default
shipped before (every cell as 0003 wrote it): a row an administrator changed, or an imported
official grid (`import_habilitations`), is theirs and is left alone. The old default is frozen here,
as a migration must not follow later edits of the code.
"""

from django.db import migrations

PHARMACIST = "21"
# The pharmacists' default before this migration: these rubriques, plus the vaccination types.
PREVIOUS_RUBRIQUES = frozenset(
    {"syntheses", "traitements_soins", "comptes_rendus", "imagerie", "biologie", "remboursement"}
)
VACCINATION_TYPES = frozenset({"11369-6", "87273-9", "96874-3"})
ADDED_RUBRIQUES = frozenset({"certificats", "administratifs"})


def _pharmacist_row(apps) -> dict[int, tuple[str, str, bool]] | None:  # type: ignore[no-untyped-def]
    """type pk -> (code, rubrique, may_read) of the pharmacists' profession-wide rules, or None if
    the row does not cover every shown type once (then it is not a default row)."""
    document_type = apps.get_model("documents", "DocumentType")
    rule = apps.get_model("documents", "HabilitationRule")
    shown = dict(document_type.objects.filter(rubrique__isnull=False).values_list("pk", "rubrique_id"))
    codes = dict(document_type.objects.filter(pk__in=shown).values_list("pk", "code"))
    cells = dict(
        rule.objects.filter(profession_id=PHARMACIST, specialty="").values_list(
            "document_type_id", "may_read"
        )
    )
    if not shown or set(cells) != set(shown):
        return None
    return {pk: (codes[pk], shown[pk], cells[pk]) for pk in shown}


def _is_default(row: dict[int, tuple[str, str, bool]], rubriques: frozenset[str]) -> bool:
    return all(
        may_read == (rubrique in rubriques or code in VACCINATION_TYPES)
        for code, rubrique, may_read in row.values()
    )


def _set_added_cells(apps, *, may_read: bool, when_default_for: frozenset[str]) -> None:  # type: ignore[no-untyped-def]
    row = _pharmacist_row(apps)
    if row is None or not _is_default(row, when_default_for):
        return
    rule = apps.get_model("documents", "HabilitationRule")
    rule.objects.filter(
        profession_id=PHARMACIST, specialty="", document_type__rubrique_id__in=ADDED_RUBRIQUES
    ).update(may_read=may_read)


def forwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _set_added_cells(apps, may_read=True, when_default_for=PREVIOUS_RUBRIQUES)


def backwards(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _set_added_cells(apps, may_read=False, when_default_for=PREVIOUS_RUBRIQUES | ADDED_RUBRIQUES)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_default_habilitations")]

    operations = [migrations.RunPython(forwards, backwards)]
