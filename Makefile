# Soulstock: `make demo` serves the demo shop, `make test` runs every test.
# Each target creates or updates .venv itself (pip runs again only when pyproject.toml changes).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp-install
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: venv browser-deps demo serve test test-all test-fast lint bench clean

venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

browser-deps:  ## Debian's chromium + CJK fonts for the browser tests, installed when missing
	bash .ci/browser-deps

demo: $(STAMP)  ## a fresh demo database (data/demo/), served on http://127.0.0.1:8000
	$(BIN)/soulstock demo --fresh --serve --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/soulstock db upgrade
	$(BIN)/soulstock serve --host $(HOST) --port $(PORT)

# With CI set (as .ci/run does) `make test` runs every test; on a laptop it skips the slow
# load tests (200-buyer races, soak-style state machines) to stay quick: `make test-all` runs them.
test: $(STAMP) browser-deps  ## every test in CI; locally all but the `slow` load tests
	$(BIN)/pytest $(if $(CI),-m "",-m "not slow") $(PYTEST_ARGS)

test-all: $(STAMP) browser-deps  ## every test, slow load tests included
	$(BIN)/pytest -m "" $(PYTEST_ARGS)

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
