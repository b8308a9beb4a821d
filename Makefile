# `make run` serves the demo; `make test` runs lint and the suite on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/dimis)

.PHONY: install assets messages migrate demo run test lint test-sqlite test-postgres clean bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	@# GNU gettext (Debian) extracts translatable strings; the i18n test checks the catalogue with it.
	command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	@# WeasyPrint (review reports as PDF) lays text out with Pango and subsets fonts with HarfBuzz;
	@# the reports are set in a Times-like serif (Liberation Serif), which must exist offline.
	ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0)
	ldconfig -p | grep -q libharfbuzz-subset || (apt-get update -qq && apt-get install -y -qq libharfbuzz-subset0)
	fc-list | grep -q "Liberation Serif" || (apt-get update -qq && apt-get install -y -qq fonts-liberation2)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed

assets: node_modules/.installed
	node scripts/build-assets.mjs

messages: install
	$(BIN)/python scripts/compile_messages.py

migrate: install assets messages
	DEBUG=1 $(BIN)/dimis migrate --no-input

demo: migrate
	DEBUG=1 $(BIN)/dimis demo

# The server and the background-job worker run together; Ctrl-C stops both.
run: demo
	DEBUG=1 $(BIN)/dimis reminders
	@echo "DIMIS on http://127.0.0.1:8000 (logins above). Ctrl-C stops it."
	@DEBUG=1 $(BIN)/dimis db_worker --interval 5 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT; \
	DEBUG=1 $(BIN)/dimis runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-sqlite: install assets messages
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install assets messages
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
		echo "== tests on PostgreSQL =="; \
		DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "!! PostgreSQL is required (REQUIRE_POSTGRES) but does not answer at $(PG_TEST_URL)"; exit 1; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! No PostgreSQL answers at $(PG_TEST_URL): ran the suite on SQLite ONLY."; \
		echo "!! Set DATABASE_URL or start PostgreSQL to test it."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

test: lint test-sqlite test-postgres

# The benchmark (bench/RESULTS.md), not part of `make test`: PostgreSQL, then SQLite.
# `make bench DB=postgres` runs one; BENCH_ARGS passes options (e.g. --skip-generate, --profile).
bench: install
	@for db in $(or $(DB),postgres sqlite); do \
		$(BIN)/python bench/run.py --db $$db $(BENCH_ARGS) || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules var src/dimis/static/vendor
