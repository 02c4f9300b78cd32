"""What the portal writes to disk is readable by its own account only: the SQLite database (and its
WAL files), uploaded files and their directories (settings), the .env the Makefile writes."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections

from dmp_portal.sqlite3.base import DatabaseWrapper

ROOT = Path(__file__).resolve().parents[1]


def _sqlite(path: Path) -> DatabaseWrapper:
    """A connection to the SQLite file `path` through the portal's backend (whatever the tests' database)."""
    return DatabaseWrapper(
        {**connections["default"].settings_dict, "ENGINE": "dmp_portal.sqlite3", "NAME": path, "OPTIONS": {}},
        alias="private",
    )


def test_a_new_sqlite_database_and_its_wal_files_are_created_0600(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    database = _sqlite(path)
    try:
        with django_db_blocker.unblock(), database.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE t (x INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    finally:
        database.close()

    assert modes == {"db.sqlite3": 0o600, "db.sqlite3-wal": 0o600, "db.sqlite3-shm": 0o600}


def test_an_existing_database_file_keeps_the_mode_its_owner_gave_it(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    path.touch()
    path.chmod(0o640)
    database = _sqlite(path)
    try:
        with django_db_blocker.unblock():
            database.ensure_connection()
    finally:
        database.close()

    assert path.stat().st_mode & 0o777 == 0o640


def test_uploads_are_stored_0600_in_0700_directories():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


def test_the_makefile_writes_a_private_env_file(tmp_path):
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())

    subprocess.run(["make", "--silent", ".env"], cwd=tmp_path, check=True, capture_output=True)  # noqa: S607

    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / ".env").read_text().startswith("DJANGO_SECRET_KEY=")
