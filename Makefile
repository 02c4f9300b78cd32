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

.PHONY: help run test e2e lint check bench clean

help:
	@echo "make run   - install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test  - install the dev dependencies and run the whole test suite"
	@echo "make e2e   - browser tests (Playwright driving /usr/bin/chromium)"
	@echo "make lint  - ruff, manage.py check, missing migrations"
	@echo "make bench - benchmarks (workshop session of 40 trainees: create and reset; upload checks)"

$(BIN)/python:
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "ERROR: DMP Portal needs Python 3.12 or newer (Django 6.1), and none was found." >&2; \
	  echo "Install Python 3.12+ or run: make PYTHON=/path/to/python3.12 ..." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)

# A per-checkout secret key, so that manage.py works here without exporting anything.
.env:
	@echo "DJANGO_SECRET_KEY=$$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')" > $@
	@echo "Wrote .env with a new DJANGO_SECRET_KEY"

$(VENV)/.runtime: $(BIN)/python requirements.txt .env
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The demo portal: DEBUG on, demo pages on, an SQLite file beside the code.
run: export DJANGO_DEBUG ?= True
run: export DMP_DEMO_MODE ?= True
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

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

# Figures to compare before and after a change (not tests): a throwaway database, never the configured one.
bench: $(VENV)/.dev
	$(BIN)/python -m bench.workshop_bench
	$(BIN)/python -m bench.upload_checks

clean:
	rm -rf $(VENV) .pytest_cache node_modules
