"""The workshop demo (`make run`: DMP_DEMO_MODE=True, DJANGO_DEBUG=False) never shows Django's debug
page: a missing page and a server error render the French error pages, with the demo's own settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh process, so that dmp_portal/settings.py reads the demo's environment itself.
_REQUESTS = """
import json
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import clear_url_caches, path
import dmp_portal.urls

@login_not_required
def broken(request):
    raise RuntimeError("a bug")

dmp_portal.urls.urlpatterns.append(path("panne/", broken))
clear_url_caches()
browser = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
missing, error = browser.get("/page-qui-n-existe-pas/"), browser.get("/panne/")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing": [missing.status_code, missing.content.decode()],
    "error": [error.status_code, error.content.decode()],
}))
"""


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with the demo's environment (as `make run` sets it), plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DMP_", "DATABASE_URL"))}
    demo = {
        "DJANGO_SECRET_KEY": "demo-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_DEBUG": "False",  # as `make run` sets them
        "DMP_DEMO_MODE": "True",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **demo, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_demo_renders_the_french_404_and_500_pages_never_the_debug_page(tmp_path):
    result = _manage(tmp_path, "shell", "-c", _REQUESTS)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])

    assert pages["debug"] is False
    status, body = pages["missing"]
    assert status == 404
    assert "Page introuvable" in body
    assert "URLconf" not in body and "page-qui-n-existe-pas" not in body  # Django's debug 404 lists URLs
    status, body = pages["error"]
    assert status == 500
    assert "Le service rencontre une erreur" in body
    assert "RuntimeError" not in body and "Traceback" not in body


def test_the_demo_refuses_to_start_with_debug_on(tmp_path):
    result = _manage(tmp_path, "check", DJANGO_DEBUG="True")

    assert result.returncode != 0
    assert "DMP_DEMO_MODE=True refuses DJANGO_DEBUG=True" in result.stderr


def test_the_demo_serves_plain_http_on_this_machine_with_its_static_files(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.WHITENOISE_USE_FINDERS, s.ALLOWED_HOSTS]))"
    )
    result = _manage(tmp_path, "shell", "-c", code)
    assert result.returncode == 0, result.stderr

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        False,
        False,
        0,
        True,
        ["127.0.0.1", "localhost"],
    ]


def test_make_run_serves_the_demo_with_debug_off():
    makefile = (ROOT / "Makefile").read_text()

    assert "run: export DJANGO_DEBUG = False" in makefile
    assert "run: export DMP_DEMO_MODE = True" in makefile
