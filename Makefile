# The two commands a newcomer needs are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CLINICS ?= 60

# Development defaults; production sets its own environment (README, "Production").
export DEBUG ?= true

.PHONY: run test lint setup db-stop smoke bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_places
	$(BIN)/python manage.py seed_demo --clinics $(DEMO_CLINICS)

run: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# axe-core for the accessibility tests, from the npm registry (npm from Debian if the machine lacks it).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

# Parallel workers (pytest-xdist), each with its own test database; 2 for the 2 cores of CI's machine.
TEST_WORKERS ?= 2

test: $(VENV)/.installed $(AXE)
	scripts/ensure-chromium
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

smoke: $(VENV)/.installed
	scripts/smoke-production

db-stop:
	$(BIN)/python -c "from pathlib import Path; from directory.embedded_postgres import stop; stop(Path('var/pgdata'))"

clean: db-stop
	rm -rf var $(VENV)

bench: $(VENV)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python scripts/benchmark.py
