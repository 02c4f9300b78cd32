"""DMP Portal settings: one file, read from the environment.

Every value that differs between a laptop, CI and a hospital's servers comes from an
environment variable read by a strict helper below: a typo such as DJANGO_DEBUG=yes is
an error at start-up, not a silently insecure default.
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE, _FALSE = ("true", "1"), ("false", "0")


def _load_dotenv(path: Path) -> None:
    """KEY=VALUE lines of a local .env (made by `make`) fill in what the environment lacks."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


_load_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    """True/False (or 1/0), case-insensitive; anything else is refused."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc}") from None
    return os.environ.get(name) or default


_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,20}")
_MIN_KEY_LENGTH = 32


def env_keyring(name: str) -> dict[str, bytes]:
    """A keyring "id:secret,id:secret" from NAME or NAME_FILE: the first key is the current one,
    the others are retired keys kept to verify what they sealed. Empty when unset."""
    raw = env_secret(name, "") or ""
    keyring: dict[str, bytes] = {}
    for entry in (item.strip() for item in raw.split(",")):
        if not entry:
            continue
        key_id, _, secret = entry.partition(":")
        if not _KEY_ID.fullmatch(key_id) or key_id in keyring:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} is malformed or repeated.")
        if len(secret) < _MIN_KEY_LENGTH:
            raise ImproperlyConfigured(f"{name}: key {key_id!r} needs {_MIN_KEY_LENGTH} characters or more.")
        keyring[key_id] = secret.encode()
    return keyring


DEBUG = env_bool("DJANGO_DEBUG", False)
# The workshop demo (`make run`): demo pages (the e-CPS simulator) and demo accounts whose secrets
# are published, served over plain HTTP on this machine. Never with DEBUG: a trainer in a room of
# 40 must see the French error pages, not Django's debug page listing every URL and setting.
DMP_DEMO_MODE = env_bool("DMP_DEMO_MODE", False)
if DEBUG and DMP_DEMO_MODE:
    raise ImproperlyConfigured(
        "DMP_DEMO_MODE=True refuses DJANGO_DEBUG=True: the demo shows the French error pages, "
        "never Django's debug page."
    )
# Served over plain HTTP on this machine (a developer's DEBUG, or the demo): the defaults below
# then allow loopback hosts, skip HTTPS redirects, HSTS and secure cookies, and serve static files
# from the source folders (no collectstatic), mail going to the console.
LOCAL_HTTP = DEBUG or DMP_DEMO_MODE

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if LOCAL_HTTP else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "dmp_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts",
    "audit",
    "patients",
    "documents",
    "directory",
    "messaging",
    "workshop",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dmp_portal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.ViewerMiddleware",
    "accounts.middleware.VerifiedProfessionalMiddleware",
]

# `make bench` serves the portal in bench mode: the bare view (bench/views.py) answers and every
# response says how many SQL queries it cost (bench/middleware.py). Never on a real portal.
DMP_BENCH_MODE = env_bool("DMP_BENCH_MODE", False)
if DMP_BENCH_MODE:
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")

ROOT_URLCONF = "dmp_portal.urls"
WSGI_APPLICATION = "dmp_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "dmp_portal.context_processors.portal",
                "workshop.context_processors.scenario",
            ],
        },
    },
]

# SQLite file beside the code unless DATABASE_URL names another database
# (postgres://user@host:5432/name for a region's PostgreSQL).
# Each worker keeps its connection DJANGO_CONN_MAX_AGE seconds (checked before reuse), or, on
# PostgreSQL with DJANGO_DB_POOL=True, draws from psycopg's pool (DJANGO_DB_POOL_MIN / _MAX
# connections per worker process: the database sees workers times max at most).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if env_bool("DJANGO_DB_POOL", False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DJANGO_DB_POOL=True needs PostgreSQL (DATABASE_URL=postgres://...).")
    # Django refuses persistent connections beside a pool: the pool keeps them.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DJANGO_DB_POOL_MIN", 1),
        "max_size": env_int("DJANGO_DB_POOL_MAX", 4),
        "timeout": env_int("DJANGO_DB_POOL_TIMEOUT", 10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, creating a new database file 0600 (dmp_portal/sqlite3/base.py). Tests use
    # an in-memory database, as with Django's backend (said explicitly: pytest-django only knows
    # that default under Django's own engine name, and would otherwise name test files per worker).
    DATABASES["default"]["ENGINE"] = "dmp_portal.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    # Persistent connections buy nothing on SQLite; WAL lets readers work during a write.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A writer waits up to 20 s for the write lock (5 s by default): a CPS card login holds it
    # while the PIN's hash is checked (half a second; the card's tries must not race), so eight
    # logins at once made the last ones fail with "database is locked" (make bench found it).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PortalBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Who traces logins, failed logins and logouts (accounts may not import audit: DESIGN.md §2).
DMP_SESSION_RECORDER = "audit.services.record_session_event"
# Wrong card PINs and e-CPS codes accepted from one client address (accounts.limits): per
# hour and per day. Raise them for a training room behind a single address.
DMP_LOGIN_FAILURES_PER_ADDRESS_HOUR = env_int("DMP_LOGIN_FAILURES_PER_ADDRESS_HOUR", 30)
DMP_LOGIN_FAILURES_PER_ADDRESS_DAY = env_int("DMP_LOGIN_FAILURES_PER_ADDRESS_DAY", 100)
# Who lists a professional's own account events (logins, e-CPS) on PARAMÉTRAGES (same reason).
DMP_ACCOUNT_HISTORY = "audit.services.account_history"
# Which traced documents a history reader may see (patients may not import documents).
DMP_HISTORY_DOCUMENT_DECIDER = "documents.history.visible_document_codes"
LOGIN_REDIRECT_URL = "patients:my_patients"

# Sessions: an idle professional is logged out after DMP_SESSION_IDLE_MINUTES (15 by
# default, enforced on the server by accounts.middleware), and nobody keeps a session
# longer than DMP_SESSION_MAX_HOURS (12 by default), whatever the activity.
DMP_SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("DMP_SESSION_IDLE_MINUTES", 15))
DMP_SESSION_MAX_AGE = timedelta(hours=env_int("DMP_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(DMP_SESSION_MAX_AGE.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# e-CPS: the TOTP app stands in for the phone. One failure costs 1 s, then 2, 4, 8 ...
OTP_TOTP_ISSUER = "DMP Portal"
OTP_TOTP_THROTTLE_FACTOR = 1
# django-otp's own device admins never show a key or a QR code (the portal's e-CPS admin,
# accounts.admin.ECPSDeviceAdmin, shows neither anyway): an administrator must not read a secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# HTTPS: on by default outside DEBUG; DJANGO_SECURE_SSL_REDIRECT=False only behind a
# proxy that already redirects (or for plain-HTTP tests on loopback).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not LOCAL_HTTP)
# The load balancer probes the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def env_networks(name: str) -> list[str]:
    """Comma-separated addresses or networks ("127.0.0.1, 10.0.0.0/8, ::1"); a typo is an error."""
    entries = env_list(name)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an IP address or network.") from None
    return entries


# The reverse proxies whose X-Forwarded-For is believed (accounts.client_address): empty by
# default, so the client address is REMOTE_ADDR. Behind the README's proxy: 127.0.0.1,::1.
DMP_TRUSTED_PROXIES = env_networks("DMP_TRUSTED_PROXIES")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not LOCAL_HTTP)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Secure cookies carry the __Host- prefix: the browser then accepts them only if Secure, with
# Path=/ and no Domain, so a sibling subdomain or a plain-HTTP page can neither set nor shadow
# them. Plain local HTTP (DEBUG or the demo) cannot have Secure cookies: unprefixed names there.
# The portal's own cookies (accounts.views' remembered RPPS) take the same prefix.
DMP_COOKIE_PREFIX = "__Host-" if SESSION_COOKIE_SECURE else ""
SESSION_COOKIE_NAME = f"{DMP_COOKIE_PREFIX}dmp_session"
CSRF_COOKIE_NAME = f"{DMP_COOKIE_PREFIX}csrftoken"
# Messages live in the session, not in a cookie of their own: "Le document « … » a été archivé."
# names a document, and Django's messages cookie is signed, not encrypted (ASVS 14.3.3).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if LOCAL_HTTP else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_HTTP
SECURE_HSTS_PRELOAD = not LOCAL_HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline script or style anywhere, no third-party origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live under MEDIA_ROOT and are never served from a public URL. The storage
# creates them readable by the portal's account only, in directories only it can enter (the
# directories it creates, MEDIA_ROOT included, are 0700 from the start).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL_HTTP or env_bool("DJANGO_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Object storage instead of MEDIA_ROOT (several application servers, or a region's S3-compatible
# store): set DMP_S3_BUCKET. Files go through Django's storage API only (documents/filestore.py),
# private (no ACL of their own, no public URL: the portal serves them after its checks and trace),
# never overwritten. Credentials: DMP_S3_ACCESS_KEY_ID and DMP_S3_SECRET_ACCESS_KEY, else boto3's
# own chain (instance role, AWS_* variables).
if S3_BUCKET := env_str("DMP_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("DMP_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DMP_S3_REGION", "") or None,
            "access_key": env_str("DMP_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DMP_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("DMP_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


# WhiteNoise serves static files from the source folders without collectstatic (it does by
# default only with DEBUG).
WHITENOISE_USE_FINDERS = LOCAL_HTTP

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email (Django 6.1 MAILERS). Without DJANGO_EMAIL_HOST, DEBUG and the demo print mail to the console.
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Mon espace santé <ne-pas-repondre@dmp.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("DJANGO_EMAIL_HOST") or not LOCAL_HTTP:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("DJANGO_EMAIL_HOST", "localhost"),
                "port": env_int("DJANGO_EMAIL_PORT", 25),
                "username": env_str("DJANGO_EMAIL_USER", ""),
                "password": env_secret("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
                "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# The trace chain (audit/sealing.py, SECURITY.md §5). DMP_TRACE_KEYS seals every trace with
# HMAC-SHA256 under its first key; the retired keys after it still verify what they sealed. Kept
# outside the database, so that a database writer cannot rehash the chain after removing a trace.
DMP_TRACE_KEYS = env_keyring("DMP_TRACE_KEYS")
if not DMP_TRACE_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("DMP_TRACE_KEYS (or DMP_TRACE_KEYS_FILE) is required: id:secret,...")
    DMP_TRACE_KEYS = {"dev-insecure": b"development-only-trace-key-never-use-in-production"}
# Signed checkpoints of every chain head (audit/checkpoints.py), written by `checkpoint_traces`
# (cron) outside the database. Only the cron job and the verifier need DMP_CHECKPOINT_KEYS: the web
# processes, which hold the trace key, cannot forge a checkpoint.
DMP_CHECKPOINT_DIR = env_str("DMP_CHECKPOINT_DIR", "")
DMP_CHECKPOINT_KEYS = env_keyring("DMP_CHECKPOINT_KEYS")
# verify_traces reports checkpoints older than this: the deletion of the latest ones, or a stopped cron.
DMP_CHECKPOINT_MAX_AGE = timedelta(hours=env_int("DMP_CHECKPOINT_MAX_AGE_HOURS", 25))

# Where the patient notifications' "JE ME CONNECTE" button leads (the patient space).
DMP_PATIENT_SPACE_URL = env_str("DMP_PATIENT_SPACE_URL", "https://www.monespacesante.fr")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
