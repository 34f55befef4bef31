# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

.PHONY: run test check lint demo docs bench setup browser-deps db-deps clean soak audit screenshots

setup: $(STAMP)

# Two lock files made by uv from pyproject.toml, every package pinned with its hashes, so a fresh machine
# installs exactly what CI tested: requirements/runtime.txt (what the service needs; install the wheel
# over it) and requirements/dev.txt (that plus the test and lint tools, at the same versions; a
# developer's and CI's .venv). Re-lock with `make lock` after editing pyproject.toml.
$(STAMP): requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements/dev.txt
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# The development lock is constrained by the runtime lock, so both name the same version of a package.
lock:
	$(BIN)/uv pip compile -q pyproject.toml --generate-hashes -o requirements/runtime.txt --python-version 3.11
	$(BIN)/uv pip compile -q pyproject.toml --extra test --generate-hashes -c requirements/runtime.txt \
	  -o requirements/dev.txt --python-version 3.11

# Debian's chromium for the browser tests (Playwright never downloads a browser here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (install Debian's chromium)"; fi; fi

# Debian's PostgreSQL server for the flag store's PostgreSQL tests (tests/postgres.py starts its own
# throwaway server; Debian keeps initdb in /usr/lib/postgresql/*/bin, off PATH).
db-deps:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql missing: PostgreSQL flag tests will be skipped (install Debian's postgresql)"; fi; fi

# Starts the app (port 8501 or $$STREAMLIT_SERVER_PORT) at once and, beside it, builds the demo
# warehouse if there is none (the app says so meanwhile, and shows the data once it is published); then
# starts the scheduler (rpd schedule). Stopping the app (Ctrl-C) stops the others; a failed demo build
# stops the app.
run: setup
	$(BIN)/rpd demo --if-missing & demo=$$!; \
	$(BIN)/streamlit run dashboard/server/serve.py --server.headless=true --browser.gatherUsageStats=false & app=$$!; \
	trap 'kill $$demo $$app $$sched 2>/dev/null' EXIT; \
	wait $$demo || exit 1; \
	$(BIN)/rpd schedule & sched=$$!; \
	wait $$app

demo: setup
	$(BIN)/rpd demo

# The column tables of docs/data-contracts.md, written from ingest/sources/*.toml (the text around
# them is written by hand). tests/unit/test_docs.py fails while they differ.
docs: setup
	$(BIN)/python -m ingest.sources.docs

# Ingest and page timings at 10k to 10M referral rows, then first draws and filter changes in Chromium
# against a bare Streamlit page (bench/browser.py; alone: `.venv/bin/python -m bench.browser`). Not part
# of `make test`; CI does not run it. QUICK=1: 10k to 1M only. Writes docs/benchmarks.md (full) or
# data/bench/benchmarks-quick.md.
bench: setup
	$(BIN)/python -m bench.run $(if $(QUICK),--quick)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The quick loop while changing code: lint, then the unit tests less the slow ones, in under a minute
# (docs/development.md). `pytest -m "not slow"` runs every fast test, in a few minutes.
check: lint
	$(BIN)/pytest -q -p no:cacheprovider -m "not slow" tests/unit

# Both cores (pytest-xdist), one test file per worker at a time: the suite stays under 15 minutes.
test: setup browser-deps db-deps lint audit
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

# Retake the README's screenshots (docs/screenshots/) with the browser page tests.
screenshots: setup browser-deps
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q -p no:cacheprovider -k renders_accessibly tests/browser

# Known vulnerabilities in the locked packages (pip-audit): fails on one with a fix; says loudly
# when no vulnerability service is reachable (docs/reliability.md).
audit: setup
	$(BIN)/python tests/audit.py

# The long reliability runs: 25 SIGKILL trials each of `rpd ingest` and `rpd schedule`, every hostile
# file in its own run, the 200 MB files, and 20 simulated users at once during a refresh (tests/load.py).
# Trial results go to data/soak-report.jsonl; the load figures are printed.
soak: setup
	mkdir -p data && rm -f data/soak-report.jsonl
	RPD_SOAK_TRIALS=$${RPD_SOAK_TRIALS:-25} RPD_SOAK_REPORT=$(CURDIR)/data/soak-report.jsonl \
	  $(BIN)/pytest -q -p no:cacheprovider -m soak --timeout=900 tests/integration/test_crash_trials.py tests/integration/test_hostile_corpus.py
	$(BIN)/python -m tests.load --users 20

clean:
	rm -rf $(VENV) data .pytest_cache
