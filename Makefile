# The two commands a newcomer needs are `make run` and `make test`; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CLINICS ?= 60

# Development defaults; production sets its own environment (README, "Production").
export DEBUG ?= true

.PHONY: run test lint setup db-stop smoke soak bench clean vendor-leaflet lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every target here runs on a development or CI machine, so each installs requirements-dev.txt (the
# site's requirements.txt plus the embedded database, tests and linting); production installs only
# requirements.txt (README, "Production").
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
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
	scripts/ensure-redis-server
	$(BIN)/pytest --numprocesses $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

smoke: $(VENV)/.installed
	scripts/smoke-production

# About two minutes: a fresh database in var/soak, then 60 s of traffic through a mail outage and a database restart.
soak: $(VENV)/.installed
	$(BIN)/python scripts/soak.py

db-stop:
	$(BIN)/python -c "from pathlib import Path; from directory.embedded_postgres import stop; stop(Path('var/pgdata'))"

clean: db-stop
	rm -rf var $(VENV)

bench: $(VENV)/.installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python scripts/benchmark.py

# Leaflet for the maps, kept in static/ so the site needs no npm and no CDN. This refreshes it from
# the npm registry; the tarball must match the integrity the registry published for 1.9.4.
LEAFLET_VERSION := 1.9.4
LEAFLET_INTEGRITY := sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==
vendor-leaflet:
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	rm -rf var/leaflet && mkdir -p var/leaflet
	cd var/leaflet && npm pack leaflet@$(LEAFLET_VERSION) --silent >/dev/null
	test "sha512-$$(openssl dgst -sha512 -binary var/leaflet/leaflet-$(LEAFLET_VERSION).tgz | base64 -w0)" = "$(LEAFLET_INTEGRITY)"
	tar -xzf var/leaflet/leaflet-$(LEAFLET_VERSION).tgz -C var/leaflet
	rm -rf static/vendor/leaflet && mkdir -p static/vendor/leaflet
	cp -R var/leaflet/package/LICENSE var/leaflet/package/dist/leaflet.css var/leaflet/package/dist/leaflet.js \
		var/leaflet/package/dist/leaflet.js.map var/leaflet/package/dist/images static/vendor/leaflet/
	rm -rf var/leaflet

# Lighthouse scores (mobile preset, Debian's chromium) of the home, search, clinic and guide pages,
# served by gunicorn with production settings; Lighthouse is pinned in scripts/lighthouse/package.json.
LIGHTHOUSE := scripts/lighthouse/node_modules/lighthouse/package.json
$(LIGHTHOUSE): scripts/lighthouse/package.json scripts/lighthouse/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null)
	npm ci --prefix scripts/lighthouse --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: $(VENV)/.installed $(LIGHTHOUSE)
	scripts/ensure-chromium
	$(BIN)/python scripts/lighthouse.py
