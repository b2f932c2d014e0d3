# The verbs users type. Every target that runs code installs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest workers: the judge tests measure CPU time, so keep it modest
PYTEST_ARGS ?=

.PHONY: install test demo bench lint clean datasets push-datasets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel on disk (a bare `torch` would pull a multi-GB CUDA build)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/olympicforge demo

bench: $(STAMP)
	$(BIN)/python bench/run.py --out bench/results.json

# Sources of the published datasets (the defaults are the bundled examples).
IOI_PACKAGES ?= examples/ioi
CODEFORCES_ARGS ?= --offline --seed-cache examples/codeforces --cache out/cache/codeforces
# Run folders of `olympicforge generate codeforces|ioi` (cluster jobs); empty: the cots datasets are not built.
CF_RUNS ?=
IOI_RUNS ?=
# Statements to decontaminate codeforces-cots against (files, folders or DATASET#column)
BENCHMARKS ?= out/hub/ioi\#problem
# The Hub org the cards' snippets name (`make datasets ORG=my-org`; default: the builders' own). `push --org`
# publishes every card for the org it pushes to whatever the build used, and `push-datasets` builds with ORG.
ORG ?=
ORG_ARG = $(if $(ORG),--org $(ORG))

datasets: $(STAMP)
	$(BIN)/olympicforge build ioi --packages $(IOI_PACKAGES) --out out/hub $(ORG_ARG)
	$(BIN)/olympicforge build codeforces $(CODEFORCES_ARGS) --out out/hub $(ORG_ARG)
	$(if $(CF_RUNS),$(BIN)/olympicforge build codeforces-cots --runs $(CF_RUNS) $(foreach b,$(BENCHMARKS),--benchmark $(b)) --out out/hub $(ORG_ARG))
	$(if $(IOI_RUNS),$(BIN)/olympicforge build ioi-cots --runs $(IOI_RUNS) --out out/hub $(ORG_ARG))

# make push-datasets ORG=my-org [DRY_RUN=1] [OFFLINE=1]: builds what is missing, validates, then pushes
# every dataset built under out/hub (the cots ones too, once built with `make datasets CF_RUNS=... IOI_RUNS=...`)
push-datasets: $(STAMP)
	@test -n "$(ORG)" || (echo "usage: make push-datasets ORG=<hub org> [DRY_RUN=1]"; exit 2)
	@test -d out/hub/ioi -a -d out/hub/ioi-test-cases -a -d out/hub/ioi-sample-solutions || \
		$(BIN)/olympicforge build ioi --packages $(IOI_PACKAGES) --out out/hub $(ORG_ARG)
	@test -d out/hub/codeforces || $(BIN)/olympicforge build codeforces $(CODEFORCES_ARGS) --out out/hub $(ORG_ARG)
	$(BIN)/olympicforge push --org $(ORG) --out out/hub $(if $(DRY_RUN),--dry-run) $(if $(OFFLINE),--offline)

lint: $(STAMP)
	$(BIN)/ruff check judge builders cards olympicforge recipes scripts tests bench examples
	$(BIN)/ruff format --check judge builders cards olympicforge recipes scripts tests bench examples

clean:
	rm -rf $(VENV) out .pytest_cache
