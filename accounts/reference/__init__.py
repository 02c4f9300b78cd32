"""Official code lists, copied from ../shared/reference/ and loaded by data migrations."""

import csv
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent


def read_rows(filename: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
