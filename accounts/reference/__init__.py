"""Official code lists, copied from ../shared/reference/ and loaded into the database.

`load()` is idempotent. It runs from the data migration and again after every `post_migrate`
(accounts/apps.py), so the codes come back after a `flush` (pytest-django empties the tables
after each transactional test) without a fixture copied by hand.
"""

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent


def read_rows(filename: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps) -> None:  # type: ignore[no-untyped-def]
    """Insert the missing professions (TRE_G15) and cadres d'exercice (JDV_J04)."""
    profession = apps.get_model("accounts", "Profession")
    practice_setting = apps.get_model("accounts", "PracticeSetting")
    profession.objects.bulk_create(
        [
            profession(code=row["code"], label=row["label_fr"], status=row["status_in_TRE_G15"])
            for row in read_rows("professions_TRE_G15.csv")
        ],
        ignore_conflicts=True,
    )
    practice_setting.objects.bulk_create(
        [
            practice_setting(code=row["code"], label=row["label_fr"], code_system=row["code_system"])
            for row in read_rows("practice_setting_codes_JDV_J04.csv")
        ],
        ignore_conflicts=True,
    )
