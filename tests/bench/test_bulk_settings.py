"""The bulk loader puts the connection back as it found it: a journal left off would turn every
later ROLLBACK on the test database into a no-op, and tests would keep each other's rows."""

import pytest
from django.db import connection

from bench.bulk import loading
from patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)  # pragmas cannot change inside one


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's pragmas")
def test_loading_restores_the_connections_sqlite_settings():
    def settings() -> list:
        with connection.cursor() as cursor:
            return [
                cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
                for pragma in ("journal_mode", "foreign_keys", "synchronous")
            ]

    before = settings()
    with loading([Patient]):
        assert settings()[0] == "off"
    assert settings() == before
