# climann: reproducible runs from the command line.
# `make demo` and `make test` work on a fresh machine with python3 (3.11+) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/sample.nc

.PHONY: demo test bench bench-large data clean help

help:
	@echo "make demo   install, generate $(SAMPLE), train into runs/demo/"
	@echo "make test   install with [dev] and run the whole test suite"
	@echo "make data   generate $(SAMPLE)"
	@echo "make bench  run the benchmarks in benchmarks/ (make bench-large: the > 8 GB streaming run)"
	@echo "make clean  remove runs/, generated data and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@ $(VENV)/.installed

$(SAMPLE): | $(VENV)/.installed
	$(BIN)/climann sample-data $(SAMPLE)

data: $(SAMPLE)

demo: $(VENV)/.installed $(SAMPLE)
	$(BIN)/climann train --data $(SAMPLE) --out runs/demo --overwrite

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_data.py --years 80
	$(BIN)/python benchmarks/bench_scale.py

# The memory target: stream a generated file larger than 8 GB (≈ 9 GB of disk, a few minutes).
bench-large: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_data.py --years 700

clean:
	rm -rf runs/ $(SAMPLE) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
