"""How a big record's pages cost against a small one's: the pages of issue 13's findings, timed in
process (Django's test client, no network) on a throwaway SQLite (or PostgreSQL) database.

Run (a new database file each time, or reuse one built before):
    DATABASE_URL=sqlite:////tmp/heavy.sqlite3 .venv/bin/python -m bench.heavy_record
    DATABASE_URL=sqlite:////tmp/heavy.sqlite3 .venv/bin/python -m bench.heavy_record --documents 5000 --traces 200000

Builds, once per database: a heavy patient (5,000 documents by 1,000 authors, 200,000 traces) and
a light one (10 documents, 20 traces), read by a pharmacist with a consent declared. Prints, per
page: the median CPU time of `--repeat` requests (process time, which includes SQLite's work since
it runs in this process, and not the neighbours' on a shared machine; on PostgreSQL the server's
time is left out), the heavy/light ratio, and the SQL queries of each. Not a test: figures to compare before and
after a change. The records are built as the scale tests build theirs (tests/scale/records.py).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

if not os.environ.get("DATABASE_URL"):
    raise SystemExit(
        "DATABASE_URL must name a throwaway database (sqlite:////tmp/heavy.sqlite3): it is filled."
    )
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmp_portal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "False")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "True")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.models import Trace  # noqa: E402
from bench.portal_bench import history_page_query  # noqa: E402
from patients.history import TRACES_PER_PAGE  # noqa: E402
from patients.models import Patient, RecordAccess  # noqa: E402
from tests.factories import (  # noqa: E402
    AuthorizationFactory,
    CPSCardFactory,
    PatientFactory,
    PhysicianFactory,
    ProfessionalFactory,
)
from tests.helpers import login_verified  # noqa: E402
from tests.scale.records import add_documents, append_traces  # noqa: E402

READER = "80000099991"  # the pharmacist's username (a marker that the data is built)
TYPES = ("11488-4", "18748-4", "11506-3")  # consultation, imaging, nursing follow-up: read by pharmacists


def build(documents: int, traces: int) -> None:
    if User.objects.filter(username=READER).exists():
        return
    print(f"Building: heavy record of {documents} documents and {traces} traces...", file=sys.stderr)
    reader = ProfessionalFactory(username=READER)
    CPSCardFactory(user=reader)
    authors = [PhysicianFactory() for _ in range(1000)]
    heavy, light = PatientFactory(), PatientFactory()
    for patient, n_documents, n_traces in ((heavy, documents, traces), (light, 10, 20)):
        AuthorizationFactory(patient=patient, professional=reader)
        add_documents(patient, authors, n_documents, type_codes=TYPES)
        append_traces(patient, [reader, *authors], n_traces)  # every tenth trace is the reader's
        RecordAccess.objects.create(
            patient=patient,
            professional=reader,
            first_access_at=timezone.now() - timedelta(days=30),
            last_access_at=timezone.now() - timedelta(days=1),
        )


def _middle_page(patient: Patient) -> str:
    """The query string of the history's middle page (bench.portal_bench's keyset cursor)."""
    return history_page_query(
        str(patient.code), max(Trace.objects.filter(patient=patient).count() // TRACES_PER_PAGE // 2, 1)
    )


def measure(repeat: int) -> None:
    reader = User.objects.get(username=READER)
    client = login_verified(Client(), reader, reader.cpscard_set.get())
    heavy, light = Patient.objects.filter(authorizations__professional=reader).order_by("pk")[:2]
    rows = []
    for label, name, query in [
        ("Récapitulatif", "patients:summary", lambda p: ""),
        ("Liste des documents, page 1", "documents:list", lambda p: ""),
        ("Liste des documents, dernière page", "documents:list", lambda p: "?fin=1"),
        ("Parcours de soins", "documents:grid", lambda p: ""),
        ("Historique, page 1", "patients:history", lambda p: ""),
        ("Historique, page du milieu", "patients:history", lambda p: "?" + _middle_page(p)),
        ("Historique, dernière page", "patients:history", lambda p: "?fin=1"),
        ("Historique, vos actions", "patients:history", lambda p: "?vos=1"),
    ]:
        figures = {}
        for patient in (heavy, light):
            url = reverse(name, args=[patient.code]) + query(patient)
            client.get(url)  # the opening, caches
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    began = time.process_time()
                    response = client.get(url)
                    times.append(time.process_time() - began)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code}")
            figures[patient.pk] = (statistics.median(times) * 1000, len(queries))
        (h_ms, h_q), (l_ms, l_q) = figures[heavy.pk], figures[light.pk]
        rows.append((label, h_ms, l_ms, h_ms / l_ms, h_q, l_q))
    print(
        "| Page | lourd (ms CPU) | léger (ms CPU) | lourd/léger | requêtes lourd/léger |\n|---|---|---|---|---|"
    )
    for label, h_ms, l_ms, ratio, h_q, l_q in rows:
        print(f"| {label} | {h_ms:.1f} | {l_ms:.1f} | {ratio:.2f} | {h_q} / {l_q} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--traces", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    build(args.documents, args.traces)
    measure(args.repeat)


if __name__ == "__main__":
    main()
