"""gunicorn's settings (`make serve`, production): `gunicorn -c python:dmp_portal.gunicorn
dmp_portal.wsgi`. Every value comes from the environment through the settings' strict helpers (a
typo is an error at start-up, not a silent default); the same .env is read.

Sync workers: a request holds a worker for its whole duration, so WEB_CONCURRENCY is the number of
requests one machine serves at once (about two per core for this I/O-light portal; a slow client
is the load balancer's or the reverse proxy's to buffer, as the README says). GUNICORN_TIMEOUT
kills a worker stuck longer than that (the 5 MB upload included), GUNICORN_MAX_REQUESTS recycles
workers to bound any memory growth.
"""

from dmp_portal.settings import env_int, env_str

bind = env_str("DMP_BIND", "127.0.0.1:8000")
workers = env_int("WEB_CONCURRENCY", 2)
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The portal reads X-Forwarded-For itself, from DMP_TRUSTED_PROXIES only (accounts.client_address).
forwarded_allow_ips = ""
accesslog = env_str("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
