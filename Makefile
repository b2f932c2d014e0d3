# The verbs users type. Every target that runs code installs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest workers: the judge tests measure CPU time, so keep it modest
PYTEST_ARGS ?=

.PHONY: install test demo bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/olympicforge demo

bench: $(STAMP)
	$(BIN)/python bench/run.py --out bench/results.json

lint: $(STAMP)
	$(BIN)/ruff check judge builders cards olympicforge tests bench examples
	$(BIN)/ruff format --check judge builders cards olympicforge tests bench examples

clean:
	rm -rf $(VENV) out .pytest_cache
