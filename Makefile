# Two commands do everything on a fresh machine with Python >= 3.12: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6.1 needs Python >= 3.12. On this kind of machine `python3` is 3.11 and the
# `python3.12`/`python3.13` names are pyenv shims that fail unless PYENV_VERSION is set,
# so try every candidate and keep the first one that really runs and is recent enough.
PY_CANDIDATES := $(PYTHON) python3.14 python3.13 python3.12 python3 \
	$(wildcard $(shell pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3)
find_python = $(firstword $(foreach p,$(PY_CANDIDATES),$(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && echo $(p))))

.PHONY: help run serve notifications-worker test e2e lint check bench clean trace-key

help:
	@echo "make run   - install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make serve - serve as production does: migrate, collectstatic, gunicorn (dmp_portal/gunicorn.py)"
	@echo "make notifications-worker - the patient notifications sender, looping on the outbox"
	@echo "make test  - install the dev dependencies and run the whole test suite"
	@echo "make e2e   - browser tests (Playwright driving /usr/bin/chromium)"
	@echo "make lint  - ruff, manage.py check, missing migrations"
	@echo "make bench - benchmarks: every page on a generated dataset (BENCH_SIZE=small|reference,"
	@echo "             BENCH_DATABASE=sqlite|postgresql), Annuaire santé search at 50,000 and 500,000"
	@echo "             professionals, workshop session of 40 trainees, upload checks"

$(BIN)/python:
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "ERROR: DMP Portal needs Python 3.12 or newer (Django 6.1), and none was found." >&2; \
	  echo "Install Python 3.12+ or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)

# A per-checkout secret key, so that manage.py works here without exporting anything; the file
# is readable by its owner only (umask 077: created 0600).
.env:
	@umask 077; echo "DJANGO_SECRET_KEY=$$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')" > $@
	@echo "Wrote .env with a new DJANGO_SECRET_KEY"

# The key that seals the traces (audit/sealing.py), also added to a .env made before it existed.
trace-key: .env
	@grep -q '^DMP_TRACE_KEYS=' .env || { \
	  echo "DMP_TRACE_KEYS=local-$$(date +%Y%m%d):$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" >> .env; \
	  echo "Added DMP_TRACE_KEYS to .env"; }

$(VENV)/.runtime: $(BIN)/python requirements.txt .env | trace-key
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The demo portal: demo mode on (demo pages and accounts, plain HTTP on this machine, static files
# served by WhiteNoise), DEBUG off (French error pages, never Django's debug page), an SQLite file
# beside the code.
run: export DJANGO_DEBUG = False
run: export DMP_DEMO_MODE = True
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving on this machine: DEBUG off, static files collected and served by WhiteNoise,
# gunicorn's workers and timeouts from the environment (WEB_CONCURRENCY, GUNICORN_TIMEOUT...: see
# dmp_portal/gunicorn.py), bound to DMP_BIND (HOST:PORT by default). The settings' production
# defaults apply: DJANGO_ALLOWED_HOSTS, and HTTPS unless DJANGO_SECURE_SSL_REDIRECT=False.
serve: export DJANGO_DEBUG = False
serve: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DMP_BIND=$${DMP_BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c python:dmp_portal.gunicorn dmp_portal.wsgi

# The notification sender as a worker process (beside the web servers, one or more).
notifications-worker: $(VENV)/.runtime
	$(BIN)/python manage.py send_notifications --boucle

test: $(VENV)/.dev
	$(BIN)/python -m pytest -m "not e2e" -n auto --dist loadfile $(PYTEST_ARGS)

# axe-core for the browser tests' accessibility checks (package.json; never served).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

e2e: $(VENV)/.dev node_modules/.package-lock.json
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Figures to compare before and after a change (not tests), never on the configured database: the
# portal under gunicorn on a generated dataset (bench/data/, reused once built; tables written to
# bench/results/), then the workshop and upload benchmarks in a throwaway test database.
BENCH_SIZE ?= small
BENCH_DATABASE ?= sqlite
# The Annuaire santé at 50,000 and 500,000 entries takes ten minutes to load: the reference run only.
DIRECTORY_SIZES_tiny := 2000 20000
DIRECTORY_SIZES_small := 5000 50000
bench: $(VENV)/.dev
	$(BIN)/python -m bench.portal_bench --size $(BENCH_SIZE) --database $(BENCH_DATABASE)
	$(BIN)/python -m bench.directory_bench $(DIRECTORY_SIZES_$(BENCH_SIZE))
	$(BIN)/python -m bench.workshop_bench
	$(BIN)/python -m bench.upload_checks

clean:
	rm -rf $(VENV) .pytest_cache node_modules
