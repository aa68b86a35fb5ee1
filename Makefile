# Kokeilu: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# Load order matters: reference data first, then one file per seed pilot, then the 45 areas.
FIXTURES := fixtures/reference.json fixtures/pilot_kokkola.json fixtures/pilot_jokilaaksot.json \
  fixtures/areas_2025.json

.PHONY: run test install install-test env messages migrate fixtures admin lint format chromium bench clean

run: install env messages migrate fixtures admin
	@echo "Kokeilu: http://$(HOST):$(PORT)/ (stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The unit tests, then the browser tests, each in TEST_WORKERS processes (pytest-xdist; each
# worker has its own test database, live server and Chromium). On this 2-core machine two browser
# workers took 3,5 minutes against 6,1 serially: a test mostly waits for the other process (the
# browser for the server, the server for the browser). The tests never read .env.
TEST_WORKERS ?= 2
test: install-test messages chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not e2e" -n $(TEST_WORKERS)
	$(PY) -m pytest -m e2e -n $(TEST_WORKERS)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

# A local .env once: DEBUG on and a generated SECRET_KEY, never committed.
env: .env
.env:
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Created .env with a generated SECRET_KEY (kept out of git)."

messages:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	  else echo "msgfmt is missing: install gettext (sudo apt-get install gettext)"; exit 1; fi; }
	@# Compiling needs no configuration: the test settings (no .env, no secret) serve here too.
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py compilemessages --ignore=.venv -v0

migrate:
	$(PY) manage.py migrate --noinput -v0

fixtures:
	@for f in $(FIXTURES); do [ -f $$f ] && $(PY) manage.py loaddata -v0 $$f && echo "Loaded $$f"; done; true

admin:
	$(PY) manage.py create_first_admin

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM). Install it with: sudo apt-get install chromium"; \
	    exit 1; \
	  fi; \
	fi

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# BENCH_ARGS="--quick" for a 5-second load and fewer repeats.
bench: install-test env
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
