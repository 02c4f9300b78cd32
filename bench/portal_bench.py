"""`make bench`: the portal served as in production, driven page by page on loopback.

Run: .venv/bin/python -m bench.portal_bench [--size small|reference] [--database sqlite|postgresql]
(BENCH_SIZE and BENCH_DATABASE in the environment say the same.)

1. The dataset: bench/data/<database>-<size>.sqlite3 (or the PostgreSQL database bench_<size>
   on 127.0.0.1, BENCH_PG_PREFIX to change "bench"), built by `manage.py bench_data` when its
   manifest (bench/data/<database>-<size>.json) is missing, reused otherwise (and migrated to
   the current schema). Never the demo's.
2. The server: gunicorn with 2 sync workers (BENCH_WORKERS), DEBUG off, the README's production
   settings behind a TLS proxy (the load generator sends X-Forwarded-Proto: https), static files
   collected for WhiteNoise, bench mode on (the bare view, the X-Bench-Queries header), on
   127.0.0.1 and a free port of 8100-8199.
3. The pages: logged in through the real flows (CPS card and PIN; administrator password and
   TOTP), each page measured at one client (p50/p95/p99) and at 8 clients (requests/s), bounded
   in time and count; compared with the bare view of the same run, heavy patient with light.
4. The results: bench/results/<database>-<size>.md and .json, the table printed.
Not a test: figures to compare before and after a change (no timed assertion anywhere).
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import load, report
from bench.load import Client, Response

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data"
RESULTS_DIR = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
# Patients, then bench_data's other options. "tiny" checks the harness itself in a minute.
SIZES = {
    "tiny": (2_000, "--heavy-documents=300", "--heavy-traces=3000", "--professionals=300"),
    "small": (10_000,),
    "reference": (1_000_000,),
}
# How long each measurement lasts, per size: latency samples and their time budget (seconds), then
# the throughput's seconds and most requests. Throughput is not measured on a page slower than
# SLOW_MS at one client (8 clients would wait minutes for it): its latency says enough.
EFFORT = {"tiny": (10, 5.0, 2.0, 400), "small": (20, 6.0, 3.0, 1000), "reference": (40, 8.0, 3.0, 1000)}
SLOW_MS = 1000
CLIENTS = 8
PORTS = range(8100, 8200)
UPLOAD_SIZE = 5 * 1024 * 1024  # documents.validation.MAX_UPLOAD_BYTES: the largest file accepted


@dataclass(frozen=True)
class Target:
    database: str  # "sqlite" or "postgresql"
    size: str

    @property
    def stem(self) -> str:
        return f"{self.database}-{self.size}"

    @property
    def manifest(self) -> Path:
        return DATA_DIR / f"{self.stem}.json"

    @property
    def media_root(self) -> Path:
        return DATA_DIR / f"{self.stem}-media"

    @property
    def pg_name(self) -> str:
        return f"{os.environ.get('BENCH_PG_PREFIX', 'bench')}_{self.size}"

    @property
    def database_url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{DATA_DIR / f'{self.stem}.sqlite3'}"
        return f"postgres://postgres@127.0.0.1:5432/{self.pg_name}"

    def environment(self) -> dict[str, str]:
        """The production settings of the README, behind a TLS proxy on this machine, bench mode."""
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media_root),
            "DJANGO_DEBUG": "False",
            "DMP_DEMO_MODE": "False",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_BEHIND_TLS_PROXY": "True",
            "DMP_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(DATA_DIR / "static"),
            "DMP_BENCH_MODE": "True",
            "DJANGO_LOG_LEVEL": "WARNING",
        }


def _manage(target: Target, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=target.environment(), check=True
    )


def ensure_dataset(target: Target) -> dict:
    """The manifest of the dataset, built first if missing (a failed build leaves no manifest)."""
    if target.manifest.exists():
        # Built by an earlier version: brought to this one's schema (new indexes are built here).
        print(f"Jeu de données réutilisé : {target.stem} ({target.manifest}) ; migrations…", flush=True)
        _manage(target, "migrate", "--no-input", "-v0")
        return json.loads(target.manifest.read_text())
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target.media_root, ignore_errors=True)
    if target.database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.database_url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    else:
        _recreate_pg_database(target.pg_name)
    patients, *options = SIZES[target.size]
    print(f"Construction du jeu de données {target.stem} ({patients} patients)…", flush=True)
    started = time.perf_counter()
    _manage(target, "migrate", "--no-input", "-v0")
    _manage(target, "bench_data", f"--patients={patients}", *options, f"--manifest={target.manifest}")
    manifest = json.loads(target.manifest.read_text())
    manifest["build_seconds_with_migrate"] = round(time.perf_counter() - started, 1)
    target.manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def _recreate_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    # Started from a place of its own, so that two benchmarks started together pick different ports.
    start = os.getpid() % len(PORTS)
    for port in [*PORTS[start:], *PORTS[:start]]:
        with socket.socket() as probe:
            try:
                probe.bind((load.LOOPBACK, port))
            except OSError:
                continue
            return port
    raise RuntimeError("Aucun port libre entre 8100 et 8199.")


class Server:
    """gunicorn in production settings, stopped (its process group) at the end whatever happens."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.port = _free_port()
        workers = os.environ.get("BENCH_WORKERS", "2")
        command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "dmp_portal.wsgi",
            f"--workers={workers}",
            f"--bind={load.LOOPBACK}:{self.port}",
            "--timeout=300",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
            command, cwd=BASE_DIR, env=target.environment(), start_new_session=True
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn s'est arrêté au démarrage.")
            try:
                if Client(self.port).get("/sante/").status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn ne répond pas.")

    def worker_rss(self) -> dict[int, int]:
        """Resident memory (bytes) of each worker process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = {}
        for pid in map(int, children):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1]) * 1024
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            self.process.wait(timeout=30)


# --- logins ----------------------------------------------------------------------------------


def login_professional(port: int) -> Client:
    from bench.dataset import BENCH_CARD, BENCH_PIN

    client = Client(port)
    client.get("/connexion/carte-cps/")
    answer = client.post("/connexion/carte-cps/", {"number": BENCH_CARD, "pin": BENCH_PIN})
    if answer.status != 302:
        raise RuntimeError(f"Connexion par carte CPS refusée ({answer.status}).")
    client.get("/recherche/")  # the login rotated the CSRF token: the new one, from a form
    return client


def login_administrator(port: int) -> Client:
    from django_otp.oath import TOTP

    from bench.dataset import ADMIN_PASSWORD, ADMIN_TOTP_KEY, ADMIN_USERNAME

    client = Client(port)
    client.get("/connexion/administration/")
    token = f"{TOTP(bytes.fromhex(ADMIN_TOTP_KEY)).token():06d}"
    answer = client.post(
        "/connexion/administration/", {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD, "token": token}
    )
    if answer.status != 302:
        raise RuntimeError(f"Connexion de l'administrateur refusée ({answer.status}).")
    return client


def clone(client: Client) -> Client:
    """Another connection with the same session (the same user in another tab)."""
    return Client(client.port, dict(client.cookies), client.csrf_token)


def open_record(client: Client, code: str) -> None:
    """Open the DMP as a professional does; declare the patient's consent if the portal asks."""
    answer = client.get(f"/dmp/{code}/")
    if "/autorisation/" in answer.location:
        client.get(answer.location)
        answer = client.post(answer.location, {"declaration": "consent"})
    if answer.status != 302:
        raise RuntimeError(f"Le DMP {code} ne s'ouvre pas ({answer.status}).")


# --- the pages -------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    call: Callable[[Client], Response]
    who: str = "professional"  # professional, administrator or anonymous


def paired(listed: list[Page]) -> list[tuple[Page, ...]]:
    """The pages in order, a heavy record's page and the light record's twin that follows it
    together (measured interleaved), every other page alone."""
    groups: list[tuple[Page, ...]] = []
    for page in listed:
        previous = groups[-1] if groups else ()
        if (
            len(previous) == 1
            and previous[0].name.endswith("(lourd)")
            and page.name == previous[0].name.replace("(lourd)", "(léger)")
        ):
            groups[-1] = (previous[0], page)
        else:
            groups.append((page,))
    return groups


def _get(path: str) -> Callable[[Client], Response]:
    return lambda client: client.get(path)


def _post(path: str, data: dict) -> Callable[[Client], Response]:
    return lambda client: client.post(path, data)


def history_page_query(patient_code: str, page: int) -> str:
    """The query string of the history's page `page` (pages of 20, newest first), by its keyset
    cursor: the last trace of the page before it, found once in the dataset."""
    from audit.models import Trace
    from dmp_portal.paging import AFTER, cursor_after
    from patients.history import HISTORY_ORDER, TRACES_PER_PAGE

    if page <= 1:
        return ""
    traces = Trace.objects.filter(patient__code=patient_code).order_by(*HISTORY_ORDER)
    return f"{AFTER}={cursor_after(traces[(page - 1) * TRACES_PER_PAGE - 1], HISTORY_ORDER)}"


def pages(manifest: dict) -> list[Page]:
    heavy, light = manifest["heavy"], manifest["light"]
    heavy_traces = manifest["plan"]["heavy_traces"]
    out = [
        Page("Vue nue (référence)", _get("/banc-d-essai/vide/")),
        Page("Connexion : page carte CPS", _get("/connexion/carte-cps/"), who="anonymous"),
        Page("Connexion : carte CPS + code porteur", _login_call, who="anonymous"),
    ]
    for label, identity in (("fréquent", manifest["common"]), ("rare", manifest["rare"])):
        criteria = {key: identity[key] for key in ("name", "first_name", "sex")} | {
            "birth": str(identity["year"])
        }
        out.append(Page(f"Recherche d'identité (nom {label} + année)", _post("/recherche/", criteria)))
    out += [
        Page("Accès par matricule INS", _post("/recherche/ins/", {"ins": manifest["rare_ins"]})),
        Page("Mes patients", _get("/")),
    ]
    per_patient = [
        ("Récapitulatif", "recapitulatif/"),
        ("Documents, page 1", "documents/"),
        ("Documents, dernière page", "documents/?fin=1"),
        ("Parcours de soins (grille)", "documents/parcours-de-soins/"),
        ("Page d'un document", "documents/{document}/"),
        ("Historique, page 1", "historique/"),
    ]
    documents = {heavy: manifest["heavy_last_document"], light: manifest["light_document"]}
    for name, suffix in per_patient:
        for code, role in ((heavy, "lourd"), (light, "léger")):
            path = f"/dmp/{code}/" + suffix.format(document=documents[code])
            out.append(Page(f"{name} ({role})", _get(path)))
    middle = max(heavy_traces // 20 // 2, 1)
    out += [
        Page(
            f"Historique, page {middle} (lourd)",
            _get(f"/dmp/{heavy}/historique/?{history_page_query(heavy, middle)}"),
        ),
        Page("Historique, dernière page (lourd)", _get(f"/dmp/{heavy}/historique/?fin=1")),
        Page(
            "Téléchargement 1 Mo (lourd)",
            _get(f"/dmp/{heavy}/documents/{manifest['download_document']}/telecharger/"),
        ),
        Page("Admin : liste des patients", _get("/admin/patients/patient/"), who="administrator"),
        Page(
            "Admin : recherche patient (nom)",
            _get(f"/admin/patients/patient/?q={manifest['common']['name']}"),
            who="administrator",
        ),
        Page(
            "Admin : recherche patient (INS)",
            _get(f"/admin/patients/patient/?q={manifest['rare_ins']}"),
            who="administrator",
        ),
        Page("Admin : liste des documents", _get("/admin/documents/document/"), who="administrator"),
        Page(
            "Admin : recherche document (INS)",
            _get(f"/admin/documents/document/?q={manifest['rare_ins']}"),
            who="administrator",
        ),
        Page("Admin : liste des traces", _get("/admin/audit/trace/"), who="administrator"),
        Page(
            "Admin : recherche trace (INS)",
            _get(f"/admin/audit/trace/?q={manifest['rare_ins']}"),
            who="administrator",
        ),
    ]
    out += _optional_pages()
    return out


def _optional_pages() -> list[Page]:
    """Pages of features that may not have landed yet: measured when their URL exists."""
    from django.urls import NoReverseMatch, reverse

    found = []
    for name, url_name, query in (("Annuaire santé (recherche)", "directory:search", "?name=Martin"),):
        try:
            found.append(Page(name, _get(reverse(url_name) + query)))
        except NoReverseMatch:
            continue
    return found


def _login_call(client: Client) -> Response:
    """A full card login on a fresh browser each time (PIN hashing included)."""
    from bench.dataset import BENCH_CARD, BENCH_PIN

    fresh = Client(client.port)
    fresh.get("/connexion/carte-cps/")
    answer = fresh.post("/connexion/carte-cps/", {"number": BENCH_CARD, "pin": BENCH_PIN})
    fresh.close()
    return answer


# --- the run ---------------------------------------------------------------------------------


class Bench:
    def __init__(self, target: Target, manifest: dict, server: Server) -> None:
        self.target, self.manifest, self.server = target, manifest, server
        self.samples, self.budget, self.seconds, self.max_requests = EFFORT[target.size]
        port = server.port
        professionals = [login_professional(port) for _ in range(CLIENTS)]
        for code in (manifest["heavy"], manifest["light"]):
            open_record(professionals[0], code)
        administrator = login_administrator(port)
        self.clients = {
            "professional": professionals,
            "administrator": [administrator] + [clone(administrator) for _ in range(CLIENTS - 1)],
            "anonymous": [Client(port) for _ in range(CLIENTS)],
        }

    def measure(self, *pages: Page) -> list[report.PageResult]:
        """Each page's latency at one client, the pages' requests interleaved (a heavy page and
        its light twin), then each page's throughput at CLIENTS clients."""
        clients = self.clients[pages[0].who]
        timings = load.latencies(
            clients[0], [page.call for page in pages], count=self.samples, budget=self.budget
        )
        return [self._result(page, timing) for page, timing in zip(pages, timings, strict=True)]

    def _result(self, page: Page, timing: load.Latency) -> report.PageResult:
        clients = self.clients[page.who]
        result = report.PageResult(
            page.name,
            p50=timing.p(50),
            p95=timing.p(95),
            p99=timing.p(99),
            queries=timing.queries,
            status=timing.status,
        )
        if timing.p(50) > SLOW_MS:
            result.notes.append(f"débit non mesuré (p50 > {SLOW_MS} ms)")
        else:
            measured = load.throughput(
                clients, page.call, seconds=self.seconds, max_requests=self.max_requests
            )
            result.rps = measured.rps
            if measured.errors:
                result.notes.append(f"{measured.errors} erreur(s) à {CLIENTS} clients")
        if timing.status >= 400:
            result.notes.append(f"réponse {timing.status}")
        return result

    def upload(self) -> report.PageResult:
        """Dépôt d'un PDF de 5 Mo sur le patient léger: latency and the workers' memory growth."""
        from bench.dataset import padded_pdf

        content = padded_pdf("Compte rendu du banc d'essai", UPLOAD_SIZE)
        client = self.clients["professional"][0]
        path = f"/dmp/{self.manifest['light']}/documents/ajouter/"
        data = {
            "mode": "fichier",
            "document_type": str(self._consultation_type()),
            "title": "Compte rendu du banc d'essai",
            "document_date": "01/11/2026",
            "event_start": "01/11/2026",
            "event_end": "01/11/2026",
            "practice_setting": "ETABLISSEMENT",
            "practice": str(self._practice()),
            "confidentiality": ["normal"],
        }

        def call(client: Client) -> Response:
            return client.post_file(path, data, "file", "compte-rendu.pdf", content)

        client.get(path)  # the form, as the professional opens it once

        before = self.server.worker_rss()
        timing = load.latency(client, call, count=max(self.samples // 3, 5), budget=self.budget)
        after = self.server.worker_rss()
        growth = max((after.get(pid, 0) - size for pid, size in before.items()), default=0)
        result = report.PageResult(
            "Dépôt d'un fichier de 5 Mo (léger)",
            p50=timing.p(50),
            p95=timing.p(95),
            p99=timing.p(99),
            queries=timing.queries,
            status=timing.status,
        )
        result.notes.append(f"mémoire du worker +{growth / 2**20:.1f} Mo")
        result.notes.append("latence : l'envoi du formulaire (POST multipart)")
        if timing.status != 302:
            result.notes.append(f"réponse {timing.status} (dépôt refusé ?)")
        self.upload_growth = growth
        return result

    def _consultation_type(self) -> int:
        from documents.models import DocumentType

        return DocumentType.objects.for_professionals().order_by("pk").values_list("pk", flat=True)[0]

    def _practice(self) -> int:
        from accounts.models import Practice
        from bench.dataset import BENCH_RPPS

        return Practice.objects.get(professional__rpps=BENCH_RPPS).pk


def icontains_comparison(manifest: dict) -> tuple[float, float]:
    """(the portal's patient search, Django's default icontains search) in ms, in this process, on
    the same data and the same term: the whole changelist an administrator waits for (its counts,
    with each admin's own paginator, and its first page of 100), best of 3."""
    from django.contrib import admin
    from django.contrib.admin.views.main import SEARCH_VAR
    from django.test import RequestFactory

    from accounts.models import User
    from patients.admin import PatientAdmin
    from patients.models import Patient

    term = manifest["common"]["name"]
    administrator = User(username="bench-admin", is_active=True, is_staff=True, is_superuser=True)

    class DefaultSearch(admin.ModelAdmin):
        search_fields = ["ins", "birth_name", "usual_name", "first_name"]

    def best(model_admin: admin.ModelAdmin) -> float:
        times = []
        for _ in range(3):
            request = RequestFactory().get("/admin/patients/patient/", {SEARCH_VAR: term})
            request.user = administrator
            started = time.perf_counter()
            changelist = model_admin.get_changelist_instance(request)
            list(changelist.result_list)
            times.append((time.perf_counter() - started) * 1000)
        return min(times)

    return best(PatientAdmin(Patient, admin.site)), best(DefaultSearch(Patient, admin.site))


def goals(
    results: dict[str, report.PageResult], comparison: tuple[float, float] | None, upload_growth: int
) -> list[report.Goal]:
    out = []
    pairs = [page for page in results.values() if page.heavy_light is not None]
    worst = max(pairs, key=lambda page: page.heavy_light, default=None)
    if worst:
        out.append(
            report.Goal(
                "Chaque page du patient lourd ≤ 1,5 x la même page du patient léger",
                f"pire : {worst.name} {worst.heavy_light:.2f} x",
                worst.heavy_light <= 1.5,
            )
        )
    first = results.get("Historique, page 1 (lourd)")
    middle = next(
        (
            page
            for name, page in results.items()
            if name.startswith("Historique, page ") and "1 (" not in name
        ),
        None,
    )
    if first and middle:
        ratio = middle.p50 / first.p50
        out.append(
            report.Goal("Historique page du milieu ≤ 1,5 x la page 1 (lourd)", f"{ratio:.2f} x", ratio <= 1.5)
        )
    ordinary = [
        page
        for page in results.values()
        if page.p95 is not None and not page.name.startswith(("Dépôt", "Connexion : carte"))
    ]
    slow = [page for page in ordinary if page.p95 > 50]
    out.append(
        report.Goal(
            "Chaque page p95 ≤ 50 ms à un client",
            f"{len(slow)} page(s) au-dessus"
            + (
                f" (pire : {max(slow, key=lambda p: p.p95).name} {max(p.p95 for p in slow):.0f} ms)"
                if slow
                else ""
            ),
            not slow,
        )
    )
    upload = results.get("Dépôt d'un fichier de 5 Mo (léger)")
    if upload:
        out.append(report.Goal("Dépôt de 5 Mo ≤ 300 ms (p95)", f"{upload.p95:.0f} ms", upload.p95 <= 300))
        out.append(
            report.Goal(
                "Mémoire du worker ≤ +16 Mo au dépôt",
                f"+{upload_growth / 2**20:.1f} Mo",
                upload_growth <= 16 * 2**20,
            )
        )
    summary = [
        page
        for name, page in results.items()
        if name.startswith("Récapitulatif") and page.bare_share is not None
    ]
    if summary:
        low = min(page.bare_share for page in summary)
        out.append(
            report.Goal(
                "Récapitulatif ≥ 35 % du débit de la vue nue", f"{low * 100:.0f} % (le plus bas)", low >= 0.35
            )
        )
    admin_lists = [page for name, page in results.items() if name.startswith("Admin : liste")]
    if admin_lists:
        worst_admin = max(admin_lists, key=lambda page: page.p95)
        out.append(
            report.Goal(
                "Listes de l'admin (patients, documents, traces) ≤ 200 ms",
                f"pire p95 : {worst_admin.name} {worst_admin.p95:.0f} ms",
                worst_admin.p95 <= 200,
            )
        )
    if comparison is None:
        return out
    admin_search, default_search = comparison
    out.append(
        report.Goal(
            "Recherche patient de l'admin ≥ 100 x plus rapide que l'icontains de Django",
            f"{admin_search:.1f} ms contre {default_search:.1f} ms ({default_search / admin_search:.0f} x)",
            default_search / admin_search >= 100,
        )
    )
    return out


def compare(results: dict[str, report.PageResult], target: Target) -> None:
    """Bare-view share, heavy/light ratio, and at the reference size the searches against 10k."""
    bare = results["Vue nue (référence)"]
    for page in results.values():
        if page.rps and bare.rps:
            page.bare_share = page.rps / bare.rps
    for name, page in results.items():
        heavy = results.get(name.replace("(léger)", "(lourd)"))
        if name.endswith("(léger)") and heavy and heavy is not page and page.p50:
            heavy.heavy_light = heavy.p50 / page.p50
            if heavy.queries != page.queries:
                heavy.notes.append(f"requêtes : {heavy.queries} contre {page.queries} (léger)")
    small = RESULTS_DIR / f"{target.database}-small.json"
    if target.size == "reference" and small.exists():
        earlier = {row["name"]: row for row in json.loads(small.read_text())["pages"]}
        for name, page in results.items():
            if name.startswith(("Recherche", "Accès par matricule")) and earlier.get(name, {}).get("p50"):
                page.notes.append(f"1M/10k : {page.p50 / earlier[name]['p50']:.2f} x")


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory = f", {int(meminfo.read_text().split()[1]) / 2**20:.0f} Gio de mémoire"
    load_average = ", charge moyenne {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    return f"{platform.machine()}, {cores} cœurs partagés avec d'autres tâches{memory}{load_average}, Python {platform.python_version()}"


def run(target: Target) -> Path:
    manifest = ensure_dataset(target)
    env = target.environment()
    os.environ.update(
        {key: env[key] for key in ("DATABASE_URL", "MEDIA_ROOT", "DMP_BENCH_MODE", "DJANGO_STATIC_ROOT")}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmp_portal.settings")
    import django

    django.setup()
    if not (DATA_DIR / "static" / "staticfiles.json").exists():
        _manage(target, "collectstatic", "--no-input", "-v0")
    server = Server(target)
    try:
        server.wait_ready()
        bench = Bench(target, manifest, server)
        results: dict[str, report.PageResult] = {}
        for group in paired(pages(manifest)):
            for row in bench.measure(*group):
                results[row.name] = row
                print(f"  {row.name:<52} p50 {row.p50:7.1f} ms  {row.rps or 0:7.1f} req/s", flush=True)
        results["Dépôt d'un fichier de 5 Mo (léger)"] = bench.upload()
    finally:
        server.stop()
    compare(results, target)
    try:
        comparison = icontains_comparison(manifest)
    except Exception as failure:  # a figure lost, not the whole run's tables
        print(f"Comparaison icontains impossible : {failure!r}", file=sys.stderr)
        comparison = None
    checked = goals(results, comparison, bench.upload_growth)
    counts = {name: f"{count:,}".replace(",", "\u202f") for name, count in manifest["counts"].items()}
    build = manifest.get("build_seconds_with_migrate", manifest["seconds"])
    plan = manifest["plan"]
    description = [
        f"- Mesuré le {datetime.now(UTC):%d/%m/%Y à %H:%M} UTC sur {target.database} : {counts['patients']} patients, "
        f"{counts['documents']} documents, {counts['traces']} traces (jeu construit en {build:.0f} s, migrations comprises).",
        f"- Machine : {machine()}.",
        f"- Serveur : gunicorn, {os.environ.get('BENCH_WORKERS', '2')} workers synchrones, DEBUG désactivé, réglages de "
        "production du README derrière un proxy TLS simulé, mode banc d'essai (vue nue, en-tête X-Bench-Queries).",
        f"- Latence : {bench.samples} requêtes à un client (ou {bench.budget:.0f} s : 3 au moins, 1 pour une page très lente) ; débit : {CLIENTS} "
        f"clients pendant {bench.seconds:.0f} s (au plus {bench.max_requests} requêtes), le client sur la même machine.",
        f"- Patient lourd : {plan['heavy_documents']} documents, {plan['heavy_traces']} traces ; léger : "
        f"{plan.get('light_documents', 5)} documents, {plan.get('light_traces', 20)} traces. « lourd/léger » : "
        "rapport des p50 ; « % du bare » : part du débit de la vue nue du même passage.",
    ]
    title = f"Banc d'essai du portail — {target.database}, taille {target.size}"
    rows = list(results.values())
    document = report.markdown(title, description, rows, checked)
    meta = {
        "target": target.stem,
        "manifest": manifest,
        "machine": machine(),
        "measured_at": datetime.now(UTC),
    }
    md, _ = report.write(RESULTS_DIR, target.stem, document, report.as_json(rows, checked, meta))
    print(document)
    return md


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default=os.environ.get("BENCH_SIZE") or "small")
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql"], default=os.environ.get("BENCH_DATABASE") or "sqlite"
    )
    arguments = parser.parse_args()
    # Stopped from outside: unwind, so that the server is stopped too (Server.stop in `run`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    run(Target(arguments.database, arguments.size))


if __name__ == "__main__":
    main()
