# The team's vocabulary. `make help` lists the targets.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: help install run demo test test-sqlite test-postgres e2e lint bench faults scale-out clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/aduan: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(BIN)/aduan

install: $(BIN)/aduan ## create the virtual environment with pinned dependencies

run: demo ## alias of demo
demo: $(BIN)/aduan ## run the demo: Surakarta on SQLite, site + worker on http://127.0.0.1:8000
	$(BIN)/aduan demo

test: $(BIN)/aduan ## the whole suite: SQLite, then PostgreSQL when DATABASE_URL points at it
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest
	@if [ -n "$$DATABASE_URL" ]; then echo "== test suite on $$DATABASE_URL"; $(BIN)/pytest; fi

test-sqlite: $(BIN)/aduan ## the suite on SQLite only
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: $(BIN)/aduan ## the suite on the local PostgreSQL
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

e2e: $(BIN)/aduan ## browser tests only (Debian chromium via Playwright)
	$(BIN)/pytest -m e2e

lint: $(BIN)/aduan ## ruff on everything, mypy on the domain code
	$(BIN)/ruff check aduan bench
	$(BIN)/mypy aduan/regions aduan/org aduan/complaints/actions.py aduan/complaints/routing.py aduan/sla/calendar.py

bench: $(BIN)/aduan ## print throughput and latency figures
	@for f in bench/*_bench.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

faults: $(BIN)/aduan ## kill -9 the server and worker mid-stream (CI: RESTART_PG=--restart-postgres): nothing lost or doubled
	env -u DATABASE_URL $(BIN)/python -m aduan.jobs.tests.fault_run --messages 200
	DATABASE_URL=$(PG_URL) $(BIN)/python -m aduan.jobs.tests.fault_run --messages 200 $(RESTART_PG)

scale-out: $(BIN)/aduan ## 2 serve + 2 worker process groups on PostgreSQL and a local S3 server: 200 webhooks with photos, each processed once
	DATABASE_URL=$(PG_URL) $(BIN)/python -m aduan.channels.whatsapp.tests.scale_out --messages 200

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
