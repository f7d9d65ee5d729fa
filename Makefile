# Two commands: `make run` (default workflow -> results/report.html) and `make test`.
# Both build .venv from the locked requirements first if it is missing or stale.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CORES ?= all

# brian2 2.11 needs Python 3.13: take python3.13 from PATH, else from pyenv's versions.
PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: venv run figures report test test-fast lint format bench lock clean clean-cache verify

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.13 not found (install it, or pass PYTHON=/path/to/python3.13)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: venv
	$(BIN)/snakemake --cores $(CORES)

# Redraw every figure and the report from the stored datasets (no simulation re-runs).
figures: venv
	$(BIN)/snakemake --cores $(CORES) figures report --forcerun main_effect per_memory sleep_raster weight_change stdp_window \
		wm_raster wm_capacity wm_facilitation

# Re-run N random cells of a results folder and compare them bit for bit with the stored ones.
N ?= 3
RESULTS ?= results
verify: venv
	$(BIN)/consolidation-verify $(RESULTS) -n $(N)

test: venv
	$(BIN)/python -m pytest

test-fast: venv
	$(BIN)/python -m pytest -m "not slow"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check workflow
	$(BIN)/snakemake --lint
	$(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/snakefmt workflow

# BENCH_ARGS: options of benchmarks/bench_cell.py, e.g. BENCH_ARGS="--out bench.json".
bench: venv
	$(BIN)/python benchmarks/bench_cell.py $(BENCH_ARGS)

# Re-resolve the newest versions and rewrite the lock (needs the package index).
lock:
	rm -rf /tmp/consolidation-lock && $(PYTHON) -m venv /tmp/consolidation-lock
	/tmp/consolidation-lock/bin/pip install --quiet -e . snakemake snakemake-executor-plugin-slurm \
		snakefmt ruff pytest pytest-timeout hypothesis cython playwright import-linter mkdocs snakedeploy compliance-checker
	{ echo '# Locked versions for Python 3.13 (brian2 2.11 needs >= 3.13). Regenerate with `make lock`.'; \
	  /tmp/consolidation-lock/bin/pip freeze --exclude-editable; } > requirements.txt

clean:
	rm -rf $(VENV) .snakemake results

# The compiled code (brian2's Cython cache and the cpp_standalone projects) of every version;
# the next run compiles what it needs again.
CACHE_ROOT := $(or $(CONSOLIDATION_CACHE),$(XDG_CACHE_HOME),$(HOME)/.cache)/consolidation
clean-cache:
	rm -rf $(CACHE_ROOT)
