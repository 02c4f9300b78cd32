"""Settings come from the environment through strict helpers; production is checked by Django."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dmp_portal.settings import env_bool, env_int, env_keyring, env_list, env_secret

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("raw", "expected"), [("True", True), ("false", False), ("1", True), ("0", False)])
def test_env_bool_reads_true_and_false(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)

    assert env_bool("X_FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["yes", "on", "vrai", "Tru"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)

    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)


def test_env_int_refuses_a_non_number(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "15min")

    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUMBER", 15)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")

    assert env_list("X_HOSTS") == ["a.example", "b.example"]


def test_env_secret_reads_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))

    assert env_secret("X_SECRET") == "from-a-file"


def test_env_keyring_keeps_the_order_its_first_key_seals_with(monkeypatch, tmp_path):
    keys = tmp_path / "keys"
    keys.write_text("new-b:" + "b" * 32 + ", old-a:" + "a" * 32 + "\n")
    monkeypatch.setenv("X_KEYS_FILE", str(keys))

    assert env_keyring("X_KEYS") == {"new-b": b"b" * 32, "old-a": b"a" * 32}


@pytest.mark.parametrize(
    "raw",
    ["no-colon-" + "a" * 32, "short:tooshort", "a b:" + "a" * 32, "x:" + "a" * 32 + ",x:" + "b" * 32],
)
def test_env_keyring_refuses_a_malformed_short_or_repeated_key(monkeypatch, raw):
    monkeypatch.setenv("X_KEYS", raw)

    with pytest.raises(ImproperlyConfigured):
        env_keyring("X_KEYS")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DMP_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "a-long-random-production-secret-with-many-characters-0123456789",
    "DJANGO_DEBUG": "False",
    "DJANGO_ALLOWED_HOSTS": "dmp.example.org",
    "DMP_TRACE_KEYS": "prod-2026:" + "t" * 20 + "a-long-random-trace-key-0123456789",
    "DMP_CHECKPOINT_DIR": "/var/lib/dmp-portal/checkpoints",
}


def test_check_deploy_is_clean_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    # An empty variable counts as missing (and wins over a local .env, which only fills gaps).
    result = _manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": ""})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_must_be_spelled_true_or_false():
    result = _manage("check", **{**PRODUCTION, "DJANGO_DEBUG": "yes"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be True or False" in result.stderr


def _settings(*names: str, **env: str) -> list[str]:
    """The values of `names` as manage.py sees them with the environment `env`."""
    code = "from django.conf import settings as s; " + "; ".join(f"print(repr(s.{n}))" for n in names)
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[: len(names)]


COOKIE_SETTINGS = ("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def test_production_cookies_carry_the_host_prefix():
    assert _settings(*COOKIE_SETTINGS, **PRODUCTION) == [
        "'__Host-dmp_session'",
        "'__Host-csrftoken'",
        "True",
        "True",
    ]


def test_the_plain_http_demo_keeps_unprefixed_cookies_it_can_set():
    # A browser refuses a __Host- cookie without Secure, and the demo serves plain HTTP.
    assert _settings(*COOKIE_SETTINGS, DJANGO_DEBUG="True") == [
        "'dmp_session'",
        "'csrftoken'",
        "False",
        "False",
    ]


def test_a_trusted_proxy_entry_that_is_not_an_address_stops_the_start():
    result = _manage("check", **{**PRODUCTION, "DMP_TRUSTED_PROXIES": "127.0.0.1, proxy.local"})

    assert result.returncode != 0
    assert "DMP_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network." in result.stderr


def test_the_default_sqlite_database_goes_through_the_backend_that_creates_it_private():
    assert _settings("DATABASES['default']['ENGINE']", **PRODUCTION) == ["'dmp_portal.sqlite3'"]


def test_production_refuses_to_start_without_a_trace_key():
    result = _manage("check", **{**PRODUCTION, "DMP_TRACE_KEYS": ""})

    assert result.returncode != 0
    assert "DMP_TRACE_KEYS" in result.stderr


def test_check_deploy_warns_when_no_checkpoint_is_written():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "DMP_CHECKPOINT_DIR": ""}
    )

    assert result.returncode != 0
    assert "audit.W001" in result.stderr


def test_a_trace_key_under_the_legacy_id_is_refused():
    unkeyed = "sha256-v1:" + "s" * 40
    result = _manage("check", **{**PRODUCTION, "DMP_TRACE_KEYS": unkeyed})

    assert result.returncode != 0
    assert "audit.E001" in result.stderr


def test_the_database_pool_is_postgresql_only_and_replaces_persistent_connections():
    postgres = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://portal@db.example.org:5432/dmp",
        "DJANGO_DB_POOL": "True",
    }
    assert _settings(
        "DATABASES['default']['CONN_MAX_AGE']", "DATABASES['default']['OPTIONS']['pool']", **postgres
    ) == [
        "0",
        "{'min_size': 1, 'max_size': 4, 'timeout': 10}",
    ]

    result = _manage("check", **{**PRODUCTION, "DJANGO_DB_POOL": "True"})
    assert result.returncode != 0
    assert "DJANGO_DB_POOL=True needs PostgreSQL" in result.stderr


def test_gunicorn_reads_its_workers_and_timeouts_from_the_environment_strictly():
    env = {**PRODUCTION, "WEB_CONCURRENCY": "5", "GUNICORN_TIMEOUT": "45", "DMP_BIND": "0.0.0.0:8100"}

    run = _gunicorn_settings(env)
    assert run.stdout.split() == ["5", "45", "0.0.0.0:8100"], run.stderr

    run = _gunicorn_settings(env | {"GUNICORN_TIMEOUT": "30s"})
    assert run.returncode != 0 and "GUNICORN_TIMEOUT must be an integer" in run.stderr


def _gunicorn_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """dmp_portal/gunicorn.py's workers, timeout and address, read in a fresh interpreter with `env`
    as its only DJANGO_/DMP_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DMP_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import dmp_portal.gunicorn as g; print(g.workers, g.timeout, g.bind)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
