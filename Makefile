# climann: reproducible runs from the command line.
# `make demo` and `make test` work on a fresh machine with python3 (3.11+) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/sample.nc
SWEEP ?= experiments/sweep.toml

.PHONY: demo test docs notebooks bench bench-large data clean help train evaluate figures lint sweep

help:
	@echo "make demo   install, generate $(SAMPLE), train into runs/demo/"
	@echo "make test   install with [dev] and run the whole test suite (and the strict docs build)"
	@echo "make docs   build the documentation (docs/, mkdocs.yml) into site/"
	@echo "make notebooks  run every notebook in notebooks/ (executed copies in runs/notebooks/)"
	@echo "make data   generate $(SAMPLE)"
	@echo "make train CONFIG=experiments/NAME.toml   train into runs/NAME/ (again only if the config or its data changed)"
	@echo "make evaluate RUN=runs/NAME               re-score a run (only if its model or config changed)"
	@echo "make figures RUN=runs/NAME                redraw a run's figures (only if its predictions changed)"
	@echo "make sweep  train runs/sweep-*/ over the learning rates of $(SWEEP), compare them in runs/sweep/ (again only what changed)"
	@echo "make bench  run the benchmarks in benchmarks/ (make bench-large: the > 8 GB streaming run)"
	@echo "make lint   check the code with ruff"
	@echo "make clean  remove runs/, generated data and caches (keeps .venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the package metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The extras install climann too; its stamp is touched only when it is out of date, so that
# installing [dev] does not make the runs below look stale.
MARK_INSTALLED = test $(VENV)/.installed -nt pyproject.toml || touch $(VENV)/.installed

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ && $(MARK_INSTALLED)

# PyTorch (bench_model.py's comparison) from its CPU-only index first: the [bench] extra's
# torch is then already met, and pip does not pull the default wheel with CUDA (GBs).
# Where that index cannot be reached (a machine that sees only its own wheel folder, as ours did
# on 7 Dec 2026), pip's configured indexes are asked for the CPU build 2.13.0+cpu; failing
# that, the [bench] install below takes the torch pip finds.
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --retries 1 --timeout 20 torch --index-url $(TORCH_CPU_INDEX) \
	  || $(BIN)/python -m pip install --quiet 'torch==2.13.0+cpu' \
	  || echo "make: torch's CPU build not found; the [bench] extra installs the default torch"
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $@ && $(MARK_INSTALLED)

$(SAMPLE): | $(VENV)/.installed
	$(BIN)/climann sample-data $(SAMPLE)

data: $(SAMPLE)

demo: runs/demo/model.npz

runs/demo/model.npz: $(SAMPLE) $(VENV)/.installed
	$(BIN)/climann train --data $(SAMPLE) --out runs/demo --overwrite

# The tests run in parallel on up to 4 processes (pytest-xdist): 2 on a 2-core machine.
# First the docs build with --strict into a temporary folder, so that a broken link or an API
# name that no longer exists fails `make test` (not --quiet: mkdocs then counts no warnings).
# The tests start many Python processes (CLI subprocesses, dask workers, notebook kernels):
# bytecode is written (__pycache__/, ignored by git) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE), so that each compiles climann and pytest rewrites the tests once.
# Once, not once per worker: in a clean clone both xdist workers compiled and rewrote every
# module at the same time (14 s of CPU each, 5 s with the bytecode written), so a collection
# alone writes it first, beside the docs build (one core each).
test: $(VENV)/.installed-dev
	site=$$(mktemp -d) && { $(BIN)/mkdocs build --strict --site-dir $$site & docs=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q --collect-only -p no:cacheprovider >/dev/null 2>&1; \
	wait $$docs; status=$$?; rm -rf $$site; exit $$status; }
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n auto --maxprocesses 4 --durations=10

# The documentation: docs/*.md and the docstrings (mkdocstrings), nothing downloaded.
docs: $(VENV)/.installed-dev
	$(BIN)/mkdocs build --strict --site-dir site

# Executed copies with outputs go to runs/notebooks/; notebooks/ stays without outputs.
notebooks: $(VENV)/.installed-dev
	$(BIN)/python notebooks/execute.py --out runs/notebooks

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check climann tests benchmarks

# Runs are files with real prerequisites: `make train` retrains only when the config, a data
# file it names or the installed package is newer than the run's model.npz (which only
# training writes: `climann evaluate` rewrites metrics.json).
# The [data] paths and split_files of a TOML config (the sample when it names none); globs are expanded.
config_paths = $(shell $(PYTHON) -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], "rb")).get("data", {}); blocks = d.get("split_files", {}); print(*d.get("paths", [] if blocks else ["$(SAMPLE)"]), *[p for files in blocks.values() for p in files])' $(1))
is_glob = $(or $(findstring *,$(1)),$(findstring ?,$(1)),$(findstring [,$(1)))
config_data = $(foreach path,$(call config_paths,$(1)),$(if $(call is_glob,$(path)),$(wildcard $(path)),$(path)))

ifeq ($(CONFIG),)
train:
	@echo "usage: make train CONFIG=experiments/NAME.toml  (trains into runs/NAME/)" >&2; exit 2
else
TRAIN_RUN := runs/$(basename $(notdir $(CONFIG)))
train: $(TRAIN_RUN)/model.npz

$(TRAIN_RUN)/model.npz: $(CONFIG) $(call config_data,$(CONFIG)) $(VENV)/.installed
	$(BIN)/climann train --config $(CONFIG) --out $(TRAIN_RUN) --overwrite
endif

ifeq ($(RUN),)
evaluate figures:
	@echo "usage: make $@ RUN=runs/NAME" >&2; exit 2
else
# report.md is the last file `climann evaluate` (and `climann train`) writes.
evaluate: $(RUN)/report.md

$(RUN)/report.md: $(RUN)/model.npz $(RUN)/config.toml $(VENV)/.installed
	$(BIN)/climann evaluate $(RUN)

# area_mean_series.png is the last figure drawn.
figures: $(RUN)/figures/area_mean_series.png

$(RUN)/figures/area_mean_series.png: $(RUN)/predictions.nc $(RUN)/history.csv $(VENV)/.installed
	$(BIN)/climann plot $(RUN)
endif

# A sweep is one run per value of a key (SWEEP=experiments/NAME.toml: runs/NAME-<value>/),
# compared in runs/NAME/. Not Make dependencies (the runs are a list inside one file): climann
# sweep records each run's fingerprint (settings, input files' size and time, the model it
# wrote) in runs/NAME/sweep.json and trains only the runs whose fingerprint changed.

sweep: $(SAMPLE) $(VENV)/.installed
	$(BIN)/climann sweep $(SWEEP)

bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_model.py
	$(BIN)/python benchmarks/bench_data.py --years 80
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_anomaly_real.py
	$(BIN)/python benchmarks/bench_many_files.py
	$(BIN)/python benchmarks/bench_daily_calendars.py
	$(BIN)/python benchmarks/bench_grib.py
	$(BIN)/python benchmarks/bench_climatology.py

# The memory target: stream a generated file larger than 8 GB (≈ 9 GB of disk, a few minutes).
bench-large: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_data.py --years 700

clean:
	rm -rf runs/ site/ $(SAMPLE) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
