# Samplan developer commands. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The venv is (re)installed when pyproject.toml changes, otherwise `make venv` is instant.
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=
PORT ?= 8501

.PHONY: help venv run upgrade demo test test-postgres system chromium lint migration bench scaleout

help:
	@echo "make venv           create .venv and install samplan with [postgres,test] extras"
	@echo "make run            migrate the database and start the app on http://localhost:8501 (PORT=8600 for another port)"
	@echo "make demo           load the fictional demo data (prints the demo users and their password)"
	@echo "make upgrade        migrate the database (SAMPLAN_DATABASE_URL, default data/samplan.db)"
	@echo "make test           the whole suite on SQLite, end-to-end tests included (pytest -n 2)"
	@echo "make test-postgres  the suite (without e2e) against a throwaway PostgreSQL"
	@echo "make lint           ruff check + mypy"
	@echo 'make migration m="add meeting room"   autogenerate a migration from models/tables.py'
	@echo "make bench          municipal-scale benchmark on SQLite and PostgreSQL (SCALE=0.05 for a quick run)"
	@echo "make scaleout       two app processes on a throwaway PostgreSQL behind nginx (TLS), https://127.0.0.1:8443/ (docs/deploy.md)"

venv: $(STAMP)

$(STAMP): pyproject.toml
	if ! $(PYTHON) -c "import ensurepip, venv" 2>/dev/null; then \
	    if [ "$$(id -u)" -eq 0 ]; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	    else \
	        echo "Python's venv module is missing. Install it as root: apt-get install -y python3-venv" >&2; \
	        exit 1; \
	    fi; \
	fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[postgres,test]"
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv
	$(VENV)/bin/samplan demo

upgrade: venv
	$(PY) -c "from models.migrate import upgrade_database; upgrade_database()"

run: venv
	if [ -f cli.py ] && $(VENV)/bin/samplan init --help >/dev/null 2>&1; then \
	    $(VENV)/bin/samplan init; \
	else \
	    $(PY) -c "from models.migrate import upgrade_database; upgrade_database()"; \
	fi
	$(VENV)/bin/streamlit run server.py --server.port $(PORT)

# Debian packages the tests need beside Python's: chromium and an emoji font (end-to-end tests),
# nginx (the scale-out test runs it as you), LibreOffice and poppler (Word documents laid out
# and read back). Installed in one go when root, otherwise named.
SYSTEM_PACKAGES := chromium fonts-noto-color-emoji nginx libreoffice-writer-nogui poppler-utils

system:
	missing=$$(for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" -eq 0 ]; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else \
	        echo "The tests need these Debian packages: "$$missing >&2; \
	        echo "Install them as root:  apt-get install -y "$$missing >&2; \
	        echo "(playwright install does not work here: the e2e tests use Debian's chromium.)" >&2; \
	        exit 1; \
	    fi; \
	fi

chromium: system

test: venv system
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The e2e tests always run the app on SQLite, so they are not repeated here.
test-postgres: venv
	bash scripts/with-postgres $(PY) -m pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Autogenerate against a scratch SQLite database at head, so only the new changes appear.
migration: venv
	if [ -z "$(m)" ]; then echo 'usage: make migration m="what changed"' >&2; exit 2; fi
	scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	url="sqlite:///$$scratch/autogenerate.db"; \
	$(PY) -c "import sys; from models.migrate import upgrade_database; upgrade_database(sys.argv[1])" "$$url"; \
	$(VENV)/bin/alembic -x url="$$url" revision --autogenerate -m "$(m)"
	@echo "Review the new file in migrations/versions/, then: make test"

# Builds the databases itself (SQLite under a temp dir, PostgreSQL through scripts/with-postgres),
# prints the table and writes bench-results/bench-*.json. RUNS=20 repetitions per figure.
# ONLY=browser,users runs just those parts (pages,hot,word,exchange,load,memory,browser,users,wire,
# room); USERS_SECONDS per level of the users and wire parts (1/10/20/30 users at once,
# USERS_LEVELS; wire = the same users over Streamlit's websocket without browsers, then 10 users
# beside 10 room screens).
SCALE ?= 1
RUNS ?= 20
ONLY ?=
USERS_SECONDS ?= 120
USERS_LEVELS ?= 1,10,20,30
bench: venv chromium
	bash scripts/with-postgres $(PY) -m bench.run --scale $(SCALE) --runs $(RUNS) --only "$(ONLY)" \
	    --users-seconds $(USERS_SECONDS) --users-levels $(USERS_LEVELS)

# Issue 22: the multi-process set-up of docs/deploy.md on this machine, without root (nginx with
# its files under a temporary prefix, a self-signed certificate). DEMO=1 loads the demo first.
SCALEOUT_PORT ?= 8443
scaleout: venv
	bash scripts/with-postgres $(PY) -m scripts.scaleout --port $(SCALEOUT_PORT) $(if $(DEMO),--demo,)
