# Two entry points: `make demo` (the main job on the bundled offline mirror) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck bench evaluate clean

$(BIN)/python:
	@echo "First run: creating $(VENV) with $(PYTHON)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The normaliser modules that setup.py compiles with mypyc: a change to one rebuilds them, so a
# stale compiled module never runs in place of its source.
COMPILED := $(shell sed -n 's/^    "\(analysis\/.*\.py\)",$$/\1/p' setup.py)

$(STAMP): pyproject.toml setup.py $(COMPILED) | $(BIN)/python
	@echo "Installing icc-talent and its dependencies into $(VENV) and compiling the normaliser"
	@echo "with mypyc: about 2 minutes the first time, quiet while it works (only after a change"
	@echo "to pyproject.toml, setup.py or a compiled module later)..."
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)
	@echo "Installed."

demo: $(STAMP)
	$(BIN)/icc-talent demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.normalise_throughput
	$(BIN)/python -m benchmarks.crawl_benchmark
	$(BIN)/python -m benchmarks.cluster_benchmark
	$(BIN)/python -m benchmarks.report_benchmark --store

evaluate: $(STAMP)
	$(BIN)/python -m analysis.evaluate
	$(BIN)/python -m analysis.evaluate_cluster
	$(BIN)/python -m benchmarks.real_pages

clean:
	rm -rf $(VENV) data build *.egg-info .pytest_cache .ruff_cache .mypy_cache
	find . -path ./.git -prune -o \( -name '*.so' -o -name '*__mypyc*' \) -print | xargs rm -f
