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
after a change. Works on the code before issue 13 too (numbered pages) to measure the "before".
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta

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
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from audit.models import Action, ChainHead, Trace  # noqa: E402
from documents.models import Document, DocumentType  # noqa: E402
from patients.models import Patient, RecordAccess  # noqa: E402
from tests.factories import (  # noqa: E402
    AuthorizationFactory,
    CPSCardFactory,
    DocumentFactory,
    PatientFactory,
    PhysicianFactory,
    ProfessionalFactory,
)
from tests.helpers import login_verified  # noqa: E402

READER = "80000099991"  # the pharmacist's username (a marker that the data is built)
TYPES = ("11488-4", "18748-4", "11506-3", "34749-9")  # consultation, imaging, ... read by pharmacists
ACTIONS = [Action.DOCUMENT_VIEWED, Action.RECORD_OPENED, Action.HISTORY_VIEWED, Action.DOCUMENT_DOWNLOADED]


def build(documents: int, traces: int) -> None:
    if User.objects.filter(username=READER).exists():
        return
    print(f"Building: heavy record of {documents} documents and {traces} traces...", file=sys.stderr)
    reader = ProfessionalFactory(username=READER)
    CPSCardFactory(user=reader)
    authors = [PhysicianFactory() for _ in range(1000)]
    heavy, light = PatientFactory(), PatientFactory()
    types = list(DocumentType.objects.filter(code__in=TYPES)) or [DocumentType.objects.get(code="11488-4")]
    for patient, n_documents, n_traces in ((heavy, documents, traces), (light, 10, 20)):
        AuthorizationFactory(patient=patient, professional=reader)
        _documents(patient, authors, types, n_documents)
        _traces(patient, reader, authors, n_traces)
        RecordAccess.objects.create(
            patient=patient,
            professional=reader,
            first_access_at=timezone.now() - timedelta(days=30),
            last_access_at=timezone.now() - timedelta(days=1),
        )


def _documents(patient: Patient, authors: list[User], types: list, count: int) -> None:
    now = timezone.now()
    rows = []
    for i in range(count):
        author = authors[i % len(authors)]
        rows.append(
            DocumentFactory.build(
                patient=patient,
                author=author,
                added_by=author,
                author_label=author.display_name,
                author_profession_label="Médecin",
                document_type=types[i % len(types)],
                document_date=date(2000 + i % 26, 1 + i % 12, 1 + i % 28),
                added_at=now - timedelta(hours=i),
            )
        )
    Document.objects.bulk_create(rows, batch_size=1000)


def _traces(patient: Patient, reader: User, authors: list[User], count: int) -> None:
    """A chain's rows in bulk (the seals are not computed: pages do not check them)."""
    chain = f"patient:{patient.pk}"
    start = timezone.now() - timedelta(days=3650)
    step = timedelta(days=3650) / max(count, 1)
    batch = []
    with transaction.atomic():
        for seq in range(1, count + 1):
            actor = reader if seq % 10 == 0 else authors[seq % len(authors)]
            batch.append(
                Trace(
                    chain=chain,
                    seq=seq,
                    prev_hash="0" * 64,
                    hash=f"{seq:064x}",
                    key_id="bench",
                    created_at=start + step * seq,
                    actor=actor,
                    actor_label=actor.display_name,
                    patient=patient,
                    action=ACTIONS[seq % len(ACTIONS)],
                    mode="",
                )
            )
            if len(batch) == 5000:
                Trace.objects.bulk_create(batch)
                batch = []
        Trace.objects.bulk_create(batch)
        ChainHead.objects.create(chain=chain, seq=count, hash=f"{count:064x}")


def _middle_and_last(patient: Patient) -> dict[str, str]:
    """The URLs' query strings of the history's middle and last pages, for this version's pagination."""
    try:
        from dmp_portal.paging import cursor_after
        from patients.history import HISTORY_ORDER
    except ImportError:  # numbered pages (before issue 13)
        pages = -(-Trace.objects.filter(patient=patient).count() // 20)
        return {"middle": f"?page={pages // 2}", "last": f"?page={pages}"}
    traces = Trace.objects.filter(patient=patient).order_by(*HISTORY_ORDER)
    middle = traces[traces.count() // 2]
    return {"middle": f"?apres={cursor_after(middle, HISTORY_ORDER)}", "last": "?fin=1"}


def _last_documents(reader: User, patient: Patient) -> str:
    try:
        import dmp_portal.paging  # noqa: F401
    except ImportError:  # numbered pages (before issue 13)
        return f"?page={-(-Document.objects.visible_to(reader, patient).count() // 20)}"
    return "?fin=1"


def measure(repeat: int) -> None:
    reader = User.objects.get(username=READER)
    client = login_verified(Client(), reader, reader.cpscard_set.get())
    heavy, light = Patient.objects.filter(authorizations__professional=reader).order_by("pk")[:2]
    rows = []
    for label, name, query in [
        ("Récapitulatif", "patients:summary", lambda p: ""),
        ("Liste des documents, page 1", "documents:list", lambda p: ""),
        ("Liste des documents, dernière page", "documents:list", lambda p: _last_documents(reader, p)),
        ("Parcours de soins", "documents:grid", lambda p: ""),
        ("Historique, page 1", "patients:history", lambda p: ""),
        ("Historique, page du milieu", "patients:history", lambda p: _middle_and_last(p)["middle"]),
        ("Historique, dernière page", "patients:history", lambda p: _middle_and_last(p)["last"]),
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
