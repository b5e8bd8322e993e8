# samplingstats developer commands. Every target bootstraps .venv from the project's own files.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP_INSTALL := $(PY) -m pip install --quiet -c constraints.txt
PYTEST_ARGS ?=

# numba's on-disk cache lives inside the checkout, so repeated runs skip compilation.
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache

.PHONY: demo test test-fast bench docs lint info clean install

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[torch,dask,test]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m samplingstats demo

info: $(STAMP)
	$(PY) -m samplingstats info

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -x $(PYTEST_ARGS)

$(VENV)/.bench-installed: $(STAMP)
	$(PIP_INSTALL) -e ".[torch,dask,test,bench]"
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) -m samplingstats bench

$(VENV)/.docs-installed: $(STAMP)
	$(PIP_INSTALL) -e ".[torch,dask,test,docs]"
	touch $@

docs: $(VENV)/.docs-installed
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

LINT_PATHS := $(wildcard samplingstats tests benchmarks examples docs/conf.py conftest.py)

lint: $(STAMP)
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)

clean:
	rm -rf $(VENV) .numba_cache docs/_build docs/api/generated
