# samplingstats developer commands. Every target bootstraps .venv from the project's own files.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PIP_INSTALL := $(PY) -m pip install --quiet -c constraints.txt
PYTEST_ARGS ?=

# numba's on-disk cache lives inside the checkout, so repeated runs skip compilation.
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache

.PHONY: demo test test-fast test-min test-latest test-bare bench docs lint info clean install

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[torch,dask,test,lightning,hf,torchdata]"
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

# --- other Pythons and dependency versions (CI stages) ------------------------------------------
# test-min: the lowest Python (3.10) with the lowest declared core versions (pyproject's >= bounds,
#   read by .ci/lowest.py and installed exactly), then the fast tests. Optional packages other than
#   torch/dask are installed resolved against those pins; torch/dask tests skip.
# test-latest: the highest Python (3.13) with the newest releases, fast tests.
# Both first run the demo from a bare `pip install .` (core dependencies only): sections that need an
# extra must be skipped with the extra's name, never crash.
MIN_PYTHON_VERSION ?= 3.10
LATEST_PYTHON_VERSION ?= 3.13
TEST_TOOLS := pytest pytest-timeout pytest-xdist hypothesis networkx matplotlib tqdm pandas
FAST_ARGS := tests -m "not slow" -p no:cacheprovider -q

define other_python_stage
	rm -rf $(1)
	$$(.ci/find_python $(2)) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(3)
	cd $(1) && ./bin/python -m samplingstats --version && ./bin/python -m samplingstats demo
	$(1)/bin/python -m pip install --quiet $(4) $(TEST_TOOLS)
	NUMBA_CACHE_DIR=$(CURDIR)/$(1)/numba_cache $(1)/bin/python -m pytest $(FAST_ARGS) $(PYTEST_ARGS)
endef

test-min:
	$(call other_python_stage,.venv-min,$(MIN_PYTHON_VERSION),$(PYTHON) .ci/lowest.py > .ci/lowest.txt && .venv-min/bin/python -m pip install --quiet -c .ci/lowest.txt . && .venv-min/bin/python -m pip list --format=freeze | grep -iE "^(numpy|scipy|scikit-learn|numba|cvxpy|array.api.compat)==",-c .ci/lowest.txt)

test-latest:
	$(call other_python_stage,.venv-latest,$(LATEST_PYTHON_VERSION),.venv-latest/bin/python -m pip install --quiet . && .venv-latest/bin/python -m pip list --format=freeze | grep -iE "^(numpy|scipy|scikit-learn|numba|cvxpy)==",)

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
	$(PY) -m mypy samplingstats tests/typing

clean:
	rm -rf $(VENV) .venv-min .venv-latest .numba_cache docs/_build docs/api/generated docs/auto_examples docs/sg_execution_times.rst .mypy_cache
