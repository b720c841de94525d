# `make test` runs everything CI runs; `make book` builds the executed book.
# Both (re)create .venv from requirements.txt when it is missing or stale.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.stamp
BUILD := $(VENV)/bin/jupyter-book build . --all -W --keep-going

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

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check lifecore tests benchmarks

unit: setup
	$(PY) -m pytest tests -q --ignore=tests/browser

# Every chapter runs exactly once: the book build executes them all (and fails on an
# error in any cell), then the browser test reads the pages that build wrote.
test: setup browser-deps lint unit
	$(BUILD)
	$(PY) -m pytest tests/browser -q

book: setup
	$(BUILD)

# The browser test alone, on the book already in _build/html.
browser: setup browser-deps
	$(PY) -m pytest tests/browser -q

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
