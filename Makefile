# Southern Flank: every target creates .venv itself on first use.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
SEED    ?= 20250701
REPS    ?= 3
DRAWS   ?= 16
WORKERS ?= 2
HEADLINE_POLICY ?= full_southern_package

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

demo: $(STAMP)  ## the shipped scenarios x DRAWS draws of the uncertain parameters x REPS replicates, then the brief; results/demo
	$(VENV)/bin/southflank demo --out results/demo --uncertain $(DRAWS) --replicates $(REPS) --workers $(WORKERS) --seed $(SEED)
	@if $(VENV)/bin/southflank explain --help >/dev/null 2>&1; then \
	  $(VENV)/bin/southflank explain $(HEADLINE_POLICY) --baseline hague_2025_baseline --out results/demo/explain/$(HEADLINE_POLICY); \
	else echo "southflank explain is not available: the brief says how to add the channels"; fi
	$(VENV)/bin/southflank report results/demo --out results/demo/report.html --headline $(HEADLINE_POLICY)

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
