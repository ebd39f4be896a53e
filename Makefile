# riskSim: `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
SCENARIO ?= scenarios/linkedin-pay-per-post.yaml

.PHONY: run test lint install clean charts bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves the sources uncompiled, and where PYTHONDONTWRITEBYTECODE
# is set every start compiles them again (an eighth of a second a command):
# compileall writes the bytecode once; Python ignores it for any file edited since.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q riskSim
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q riskSim
	touch $(STAMP) $@

install: $(STAMP)

## Simulate the default scenario: summary in the terminal, outputs in runs/<name>/.
run: $(STAMP)
	$(BIN)/risksim run $(SCENARIO)

## Regenerate the reference charts of every shipped scenario into docs/charts/ (commit them).
charts: $(STAMP)
	$(BIN)/risksim charts scenarios --out docs/charts

## riskSim against the same model hand-written in plain SimPy on two workloads: speed, scaling, memory (a few minutes).
bench: $(STAMP)
	$(BIN)/python -m compileall -q riskSim benchmarks
	$(BIN)/python benchmarks/bench.py

## Lint and run the whole test suite.
test: $(DEV_STAMP)
	$(BIN)/ruff check riskSim tests
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check riskSim tests

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
