# zorgregio: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo runs in development mode unless the caller says otherwise.
DEMO_ENV := DEBUG=$${DEBUG:-true}

.PHONY: demo test install install-dev lint format messages openapi screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: set up, migrate, load the demo region and serve it on http://127.0.0.1:$(PORT)
demo: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/zorgregio migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/zorgregio collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/zorgregio demo
	$(DEMO_ENV) $(BIN)/zorgregio serve --port $(PORT)

## make test: set up with the dev dependencies and run every test (SQLite unless DATABASE_URL)
test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: extract the Dutch translations of every app and compile them
messages: $(VENV)/.installed-dev
	$(BIN)/python tools/messages.py

## make openapi: regenerate the committed OpenAPI schema
openapi: $(VENV)/.installed-dev
	DEBUG=true $(BIN)/zorgregio spectacular --file openapi.yaml --validate --fail-on-warn

## make screenshots: the main pages per role, desktop and phone, into var/screenshots/
screenshots: $(VENV)/.installed-dev
	$(DEMO_ENV) $(BIN)/zorgregio migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/zorgregio collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/zorgregio demo
	$(DEMO_ENV) $(BIN)/python tools/screenshots.py

clean:
	rm -rf $(VENV) var
