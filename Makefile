# Baton: `make run` starts everything, `make test` runs the whole suite (CONTRIBUTING.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast format lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

run: $(STAMP)
	BATON_DEMO=$${BATON_DEMO:-1} $(BIN)/baton dev

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite without the browser, without PostgreSQL and without the tests marked slow.
test-fast: $(STAMP)
	env -u BATON_DATABASE_URL $(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy .

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext_ -k N_ --no-location --omit-header -o schemas/kernel/locales/messages.pot web schemas store baton activities workflows
	$(BIN)/pybabel update -i schemas/kernel/locales/messages.pot -d schemas/kernel/locales --no-fuzzy-matching

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .data
