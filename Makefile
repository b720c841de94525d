# `make test` runs everything CI runs; `make book` builds the executed book.
# Both (re)create .venv from requirements.txt when it is missing or stale.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.stamp
BUILD := $(VENV)/bin/jupyter-book build . --all -W --keep-going
# The chapters, executed once each over both cores (pytest-xdist; chapters/conftest.py keeps
# the order they read each other in) and stored in the jupyter-cache the build reads.
CHAPTERS := $(PY) -m pytest chapters --nbmake --nbmake-timeout=1800 -n 2 --dist loadgroup \
	-p no:cacheprovider -q --durations=0

# Tiny networks spend their time in glibc's allocator (mmap/munmap of small
# tensors); keeping freed memory in the heap makes training several times faster.
export MALLOC_MMAP_THRESHOLD_ ?= 4294967296
export MALLOC_TRIM_THRESHOLD_ ?= 68719476736
export MALLOC_TOP_PAD_ ?= 536870912
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup browser-deps lint test unit book browser lab bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# The browser test drives Debian's Chromium; install it when missing (needs root, as in
# CI and most containers).
browser-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# chapters/ is excluded for its notebooks (pyproject.toml); its conftest is named here.
lint: setup
	$(VENV)/bin/ruff check . chapters/conftest.py
	$(VENV)/bin/ruff format --check lifecore tests benchmarks chapters/conftest.py

unit: setup
	$(PY) -m pytest tests -q --ignore=tests/browser --ignore=tests/lab

# Every chapter runs exactly once: nbmake executes them all (an error in any cell fails it)
# and the build reads them from the cache; then the browser tests read the pages that build
# wrote and open chapters in JupyterLab (tests/lab).
test: setup browser-deps lint unit
	$(CHAPTERS) --chapters-fresh
	$(BUILD)
	$(PY) -m pytest tests/browser tests/lab -q

# Executes only the chapters whose code, library or inputs changed since the last run.
book: setup
	$(CHAPTERS)
	$(BUILD)

# The browser tests alone: the book already in _build/html, and chapters in JupyterLab.
browser: setup browser-deps
	$(PY) -m pytest tests/browser tests/lab -q

lab: setup
	$(VENV)/bin/jupyter lab chapters $(if $(filter 0,$(shell id -u)),--allow-root)

bench: setup
	$(PY) benchmarks/bench_simulate.py
	$(PY) benchmarks/bench_experiments.py
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_certify.py
	$(PY) benchmarks/bench_train_certified.py
	$(PY) benchmarks/bench_sample_size.py

clean:
	rm -rf _build chapters/_artifacts .pytest_cache .hypothesis
