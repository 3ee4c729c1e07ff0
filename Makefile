# Nigraan: `make demo` runs it on an embedded SQLite database; `make test` runs the suite on
# PostgreSQL with a real RabbitMQ broker. Every target installs what it needs, idempotently.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/nigraan
BROKER_URL ?= amqp://guest:guest@127.0.0.1:5672//

.PHONY: setup demo test lint format bench services browser clean-demo drop-stale-test-databases

setup: $(STAMP) browser

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads do not work).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# PostgreSQL and RabbitMQ must be up for the tests; start them when they are not.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting PostgreSQL..."; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start"; exit 1; }
	@$(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5672), 2)" 2>/dev/null || { \
		echo "Starting RabbitMQ..."; \
		rabbitmq-server -detached; \
		for i in $$(seq 1 60); do \
			$(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5672), 2)" 2>/dev/null && break; sleep 1; \
		done; }
	@$(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5672), 2)" || { echo "RabbitMQ did not start"; exit 1; }

demo: $(STAMP)
	@mkdir -p var
	env -u DATABASE_URL -u CELERY_BROKER_URL DEBUG=1 $(BIN)/python manage.py migrate --no-input
	env -u DATABASE_URL -u CELERY_BROKER_URL DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Admin: http://127.0.0.1:8000/admin/   API docs: http://127.0.0.1:8000/api/docs/"
	env -u DATABASE_URL -u CELERY_BROKER_URL DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup services lint drop-stale-test-databases
	DEBUG=1 DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(BROKER_URL) CELERY_TASK_ALWAYS_EAGER=1 \
		$(BIN)/pytest $(PYTEST_ARGS)

bench: setup services
	@for b in bench/*.py; do \
		[ "$$b" = bench/isolation.py ] && continue; \
		echo "== $$b"; \
		DEBUG=1 DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(BROKER_URL) $(BIN)/python $$b || exit 1; \
	done

# Test databases are named test_nigraan_<pid>; drop those whose test run is gone.
drop-stale-test-databases:
	@for db in $$(psql -h 127.0.0.1 -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'test_nigraan_%'"); do \
		pid=$${db##*_}; \
		kill -0 $$pid 2>/dev/null || psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$$db\" WITH (FORCE)" >/dev/null; \
	done

clean-demo:
	rm -f var/nigraan.sqlite3
