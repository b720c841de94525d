# Two commands: `make book` builds the executed book, `make test` runs every test and
# notebook. Both (re)create .venv from requirements.txt when it is missing or stale.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.stamp

# Tiny networks spend their time in glibc's allocator (mmap/munmap of small
# tensors); keeping freed memory in the heap makes training several times faster.
export MALLOC_MMAP_THRESHOLD_ ?= 4294967296
export MALLOC_TRIM_THRESHOLD_ ?= 68719476736
export MALLOC_TOP_PAD_ ?= 536870912
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: setup test unit notebooks book lab bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

# Unit tests first, then every chapter executed in book order (chapter 5 reuses
# chapter 4's checkpoints from chapters/_artifacts/).
test: setup
	$(PY) -m pytest tests -q
	$(PY) -m pytest --nbmake --nbmake-timeout=900 -q $(sort $(wildcard chapters/*.ipynb))

unit: setup
	$(PY) -m pytest tests -q

book: setup
	$(VENV)/bin/jupyter-book build . --all -W --keep-going

lab: setup
	$(VENV)/bin/jupyter lab chapters

bench: setup
	$(PY) benchmarks/bench_simulate.py
	$(PY) benchmarks/bench_experiments.py
	$(PY) benchmarks/bench_extract.py

clean:
	rm -rf _build chapters/_artifacts .pytest_cache .hypothesis
