# Soulstock: `make demo` serves the demo shop, `make test` runs every test.
# Each target creates or updates .venv itself (pip runs again only when pyproject.toml changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-install
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: venv demo serve test test-all test-fast lint bench clean

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

demo: $(STAMP)  ## a fresh demo database (data/demo/), served on http://127.0.0.1:8000
	$(BIN)/soulstock demo --fresh --serve --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/soulstock db upgrade
	$(BIN)/soulstock serve --host $(HOST) --port $(PORT)

test: $(STAMP)  ## every test, slow and browser ones included (CI runs exactly this)
	$(BIN)/pytest -m "" $(PYTEST_ARGS)

test-all: test

test-fast: $(STAMP)  ## the quick loop: skips load tests and browser flows
	$(BIN)/pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src

bench: $(STAMP)  ## hot-drop load against a real server, as ratios to a bare baseline
	$(BIN)/python bench/hot_drop.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
