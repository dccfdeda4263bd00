# The two commands of the README: `make run` and `make test`. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app quizapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lint format bench clean translations compile-translations \
	screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,serve]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed compile-translations
install-dev: $(VENV)/.installed-dev compile-translations

## The interface's catalogues (quizapp/translations/<lang>/LC_MESSAGES/messages.po; the .mo files
## are built here, never committed). `make translations` after changing any text of the interface:
## it extracts every _() (and Msg(), the pure layers' text) of quizapp/ into messages.pot, merges it into each language's .po (new
## messages come out empty: translate them) and compiles.
TRANSLATIONS := quizapp/translations
compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

translations: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --no-wrap --sort-output \
		--keywords _l --keywords N_ --keywords lazy_gettext --keywords Msg -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching \
		--no-wrap
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

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

## make screenshots: the browser tests with a screenshot of every page they check, at each
## width it is checked at (tests/artifacts/pages/<test>/; `make test` shoots each route's first
## page only), and the README's pictures (docs/screenshots/)
screenshots: install-dev
	QUIZAPP_SCREENSHOTS=1 $(BIN)/pytest -m browser -p no:cacheprovider

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: the reports bench (in-process) and the load bench (gunicorn + wrk; a few
## minutes; needs wrk: apt-get install wrk), on SQLite and on a throwaway PostgreSQL it starts
## (skipped when none is installed), then the import and start-up benches; each writes its
## figures into docs/performance.md
bench: install-dev
	$(BIN)/python bench/reports_bench.py
	$(BIN)/python bench/reports_bench.py --postgres
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/load_bench.py --postgres
	$(BIN)/python bench/import_bench.py --postgres
	$(BIN)/python bench/startup_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
