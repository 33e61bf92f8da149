# Two commands matter: `make demo` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint screenshots bench clean

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bw-wizard needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	@touch $@ $(RUN_STAMP)

demo: $(RUN_STAMP)
	$(VENV)/bin/bw-wizard --sandbox

test: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n auto

# Draws screenshots/ from the snapshot tests' scenes; never rewrites the reviewed snapshots.
screenshots: $(TEST_STAMP)
	$(PY) -m tests.tui.screenshots screenshots

bench: $(TEST_STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
