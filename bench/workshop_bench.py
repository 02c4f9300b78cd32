"""How long a trainer waits: create a 40-trainee workshop session, then reset it.

Run: .venv/bin/python -m bench.workshop_bench          (SQLite)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dmp_bench .venv/bin/python -m bench.workshop_bench
It works in a throwaway test database ("test_" + the configured name, created, migrated, then
dropped) and a temporary MEDIA_ROOT: the configured database and files are never touched.
Prints wall-clock seconds (the trainer's wait) for: building the model sandbox (once per
portal, on first use), creating the session, resetting it, resetting one trainee.
Not a test (no timed assertion): a figure to compare before and after a change.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time
from collections.abc import Callable

import django

TRAINEES = 40


def _timed(label: str, action: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = action()
    print(f"  {label:<52} {time.perf_counter() - start:6.1f} s")
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmp_portal.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.factories import PracticeFactory
    from workshop import services

    setup_test_environment()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="workshop-bench-")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Atelier de {TRAINEES} stagiaires — base {connection.vendor} ({name})")
        trainer = PracticeFactory().professional
        _timed("bac à sable modèle (une fois par portail)", services.workshop_model)
        session = _timed(
            f"création de la session ({TRAINEES} stagiaires)",
            lambda: services.workshop_session_create(
                trainer=trainer,
                name="Banc d'essai",
                on=datetime.date.today(),
                professions=["pharmacien"] * TRAINEES,
            ),
        )
        _timed(
            f"réinitialisation de la session ({TRAINEES} bacs à sable)",
            lambda: services.workshop_session_reset(session=session, by=None),
        )
        trainee = session.trainees.select_related("session", "user").first()
        _timed(
            "réinitialisation d'un stagiaire",
            lambda: services.workshop_trainee_reset(trainee=trainee, by=None),
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
