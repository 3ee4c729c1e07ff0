# Nigraan: `make demo` runs the whole product (embedded PostgreSQL and Redis from pip wheels, a
# Celery worker, beat and gunicorn under one supervisor); `make test` runs the suite on the same
# embedded stack, or on the services DATABASE_URL / CELERY_BROKER_URL name. Nothing needs to be
# installed on the machine; every target installs what it needs, idempotently.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The test suite's own data directory: parallel runs share its PostgreSQL (a database per run)
# and each gets a private broker.
TEST_DATA ?= var/test-stack

.PHONY: setup demo test lint format bench browser stop-embedded

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads do not work).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# PORT (8000), NIGRAAN_DATA (var/) and DEMO_DATA=0 (no sample data) are the knobs.
demo: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python -m config.supervisor

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup browser lint
	DEBUG=1 NIGRAAN_DATA=$${NIGRAAN_DATA:-$(TEST_DATA)} \
		$(BIN)/python -m config.embedded run --private-broker -- $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks print their figures; each uses its own database and broker.
bench: setup
	@for b in bench/*.py; do \
		[ "$$b" = bench/isolation.py ] && continue; \
		echo "== $$b"; \
		DEBUG=1 NIGRAAN_DATA=$${NIGRAAN_DATA:-var/bench-stack} \
			$(BIN)/python -m config.embedded run --private-broker -- $(BIN)/python $$b || exit 1; \
	done

# Stops the embedded PostgreSQL and Redis of NIGRAAN_DATA (var/ by default).
stop-embedded: $(STAMP)
	$(BIN)/python -m config.embedded stop
