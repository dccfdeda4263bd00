# The two commands of the README: `make run` and `make test`. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app quizapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,serve]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, import questions/, serve on http://$(HOST):$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) quiz import questions/
	QUIZAPP_OPEN_QUIZZES=true $(FLASK) run --host $(HOST) --port $(PORT)

## make test: install what the tests need, lint, then the whole suite on SQLite; and at the same
## time again on PostgreSQL when QUIZAPP_TEST_DATABASE_URL names a server (.ci/run starts one)
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	bash .ci/suites $(BIN)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: the reports bench (in-process), then the load bench (gunicorn + wrk; a few
## minutes; needs wrk: apt-get install wrk), on SQLite and on a throwaway PostgreSQL it starts
## (skipped when none is installed), then the import and start-up benches; each writes its
## figures into docs/performance.md
bench: install-dev
	$(BIN)/python bench/reports_bench.py
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/load_bench.py --postgres
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/startup_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
