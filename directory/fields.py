"""A search key column whose order is the bytes' order on every database.

The directory searches by prefix and pages by keyset on normalized keys (patients.normalize.search_key:
upper-case ASCII and single spaces). Both need the column's collation to compare bytes:
- PostgreSQL: under a linguistic collation (en_US.UTF-8, fr_FR.UTF-8), a B-tree index serves neither
  `LIKE 'DUP%'` nor the range `>= 'DUP' AND < 'DUQ'` as a prefix (spaces and punctuation are ignored
  at the first level, so "DU PONT" sorts between "DUPONT" and "DUPRE"). Declared COLLATE "C", the
  range is exactly the prefix and the same index gives the order.
- SQLite compares bytes (BINARY) by default: nothing to declare.
The collation is chosen per connection, not written into the migration (deconstruct() leaves it
out), so one migration fits both databases.
"""

from django.db import models


class SearchKeyField(models.CharField):
    """A CharField compared byte by byte: "C" collation on PostgreSQL, SQLite's default elsewhere."""

    def db_parameters(self, connection) -> dict:  # type: ignore[no-untyped-def]
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


def prefix_range(key: str) -> tuple[str, str]:
    """The byte range holding every key that starts with `key`: "DUP" -> ("DUP", "DUQ").

    Keys are search_key() output (A-Z, 0-9 and spaces), so incrementing the last character never
    overflows into another alphabet.
    """
    return key, key[:-1] + chr(ord(key[-1]) + 1)
