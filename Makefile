# Southern Flank: every target creates .venv itself on first use.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SEED    ?= 20250701
REPS    ?= 8
WORKERS ?= 2

.PHONY: help venv demo test test-fast lint format bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml scripts/find_python.sh
	@PYBIN=$$(./scripts/find_python.sh) || exit 1; \
	 test -x $(PY) || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) scripts/install_viz_assets.py
	@touch $(STAMP)

venv: $(STAMP)  ## create .venv and install the project with its test tools

demo: $(STAMP)  ## run the shipped scenarios against the baseline on local processes, write the brief; results/demo
	$(VENV)/bin/southflank demo --out results/demo --replicates $(REPS) --workers $(WORKERS) --seed $(SEED)
	$(VENV)/bin/southflank report results/demo --out results/demo/report.html

test: $(STAMP)  ## the whole test suite (what CI runs)
	$(PY) -m pytest -q

test-fast: $(STAMP)  ## the tests not marked slow
	$(PY) -m pytest -q -m "not slow and not browser"

lint: $(STAMP)  ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)  ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)  ## performance benchmarks (medians, ratios) -> benchmarks/results/; ONLY=model|batch|sensitivity|viz
	$(PY) -m benchmarks $(ONLY)

clean:  ## remove .venv, caches and results (keeps results/README.md)
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
	find results -mindepth 1 ! -name README.md -exec rm -rf {} +
