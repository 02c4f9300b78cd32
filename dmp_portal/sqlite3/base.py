"""Django's SQLite backend, except that a new database file is created readable by its owner only.

SQLite creates a missing database file with the process's umask (usually 0644: readable by every
local account), and its -wal and -shm files copy the database file's mode. Creating the empty file
first with 0600 makes the whole set private. An existing file keeps the mode its owner gave it.
"""

import os
from typing import Any

from django.db.backends.sqlite3 import base

DATABASE_FILE_MODE = 0o600


def create_private_file(name: str | os.PathLike) -> None:
    """Create `name` with mode 0600 unless it exists; in-memory and URI databases are left alone."""
    path = os.fspath(name)
    if path == ":memory:" or path.startswith("file:"):
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        create_private_file(conn_params["database"])
        return super().get_new_connection(conn_params)
