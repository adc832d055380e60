# Counterclaim — the README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test lint format bench bench-import bench-matching bench-mixed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: install, migrate and seed the SQLite database under instance/, serve on 127.0.0.1:5000
run: $(VENV)/.runtime
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## test: lint, then the whole suite on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set
test: $(VENV)/.dev
	$(BIN)/ruff check .
	TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		$(BIN)/pytest; \
	fi

## bench: the read-path benchmark against bare Flask and Datasette (bench/README.md).
## SCALE=10k|100k|1m claims (default 100k); BENCH_DATABASE_URL=postgresql://... adds a
## PostgreSQL run in a throw-away database there. Installs Debian's wrk if missing.
SCALE ?= 100k
bench: $(VENV)/.runtime
	$(BIN)/python -m bench --scale $(SCALE)

## bench-import: `flask import` of the SCALE archive's export into a fresh SQLite database,
## with worker processes and without; BASELINE=<git rev> also times that revision's import.
bench-import: $(VENV)/.runtime
	$(BIN)/python -m bench.importrate --scale $(SCALE) $(if $(BASELINE),--baseline $(BASELINE))

## bench-matching: GET /api/v1/matches latency (p50/p99, uncached) on the SCALE archive
## (bench/matching.py); BENCH_DATABASE_URL=postgresql://... adds PostgreSQL.
bench-matching: $(VENV)/.runtime
	$(BIN)/python -m bench.matching --scale $(SCALE)

## bench-mixed: reads over 1,000+ URLs while the API writes 1 and 5 times a second (10k
## archive); BASELINE=<git rev> runs that revision too, in the same run.
bench-mixed: $(VENV)/.runtime
	$(BIN)/python -m bench.mixed $(if $(BASELINE),--baseline $(BASELINE))

lint: $(VENV)/.dev
	$(BIN)/ruff check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
