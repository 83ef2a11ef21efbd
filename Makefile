# The README's two commands (`make demo`, `make test`) and the checks CI runs (.ci/run).
# Needs only Python 3.11 and git: everything else is installed into .venv from requirements.lock.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
export VENV
# Playwright drives Debian's /usr/bin/chromium; it never downloads browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# `make test PYTEST_ARGS="-x tests/o2o"` to narrow a run. Two workers by default (pytest-xdist);
# tests that share one outside resource (a Celery worker on Redis) go to one worker with
# `@pytest.mark.xdist_group(...)`.
PYTEST_ARGS ?= -n 2 --dist loadgroup

# The demo is the embedded default whatever the shell or .env say: SQLite in this directory, eager
# tasks and a local-memory cache (no Redis), DEBUG on.
DEMO_PORT ?= 8000
DEMO_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 DATABASE_OWNER_URL= REDIS_URL=

# Each benchmark fills a database of its own (its default DATABASE_URL, e.g. .../o2o_bench on
# 127.0.0.1, as a PostgreSQL superuser): the shell's DATABASE_URL and REDIS_URL are not passed on,
# so that a development database is never filled with benchmark data.
BENCH_ENV := env -u DATABASE_URL -u DATABASE_OWNER_URL -u REDIS_URL

.PHONY: help venv demo test test-embedded test-oracles lint typecheck check bench services ci clean

help:
	@echo "make demo       set up and serve the platform with demo data on http://localhost:$(DEMO_PORT)"
	@echo "make test       set up and run the whole suite (PostgreSQL/Redis from DATABASE_URL/REDIS_URL,"
	@echo "                default 127.0.0.1; tests needing a missing service are skipped, loudly)"
	@echo "make test-embedded  the suite on the embedded default (SQLite, eager tasks), as on a laptop"
	@echo "make test-oracles  the Markov model against marketing-attribution-models (installs the oracles extra)"
	@echo "make lint       ruff check, ruff format --check, import-linter layers"
	@echo "make typecheck  mypy with the Django and DRF stubs (also in make lint and CI)"
	@echo "make check      makemigrations --check, check --deploy (production env), OpenAPI validation"
	@echo "make bench      run every benchmark in bench/"
	@echo "make services   start this machine's PostgreSQL and Redis if they are down"
	@echo "make ci         what CI runs: bash .ci/run"
	@echo "make clean      remove caches, build output and the demo database (keeps .venv)"

venv:
	@bash scripts/venv.sh

demo: venv
	@$(DEMO_ENV) $(PY) manage.py migrate --noinput
	@$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo
	@echo "==> Serving the demo: open http://localhost:$(DEMO_PORT)/login/ and sign in with a login above"
	@echo "    (a brand directly: http://lumen.localhost:$(DEMO_PORT)/ ; API docs: http://localhost:$(DEMO_PORT)/api/docs/)"
	@echo "    Stop with Ctrl-C."
	@$(DEMO_ENV) exec $(PY) manage.py runserver --noreload 0.0.0.0:$(DEMO_PORT)

# Debian's Chromium for the browser tests: installed when missing and this runs as root; without
# it those tests are skipped, loudly (and fail under CI's O2O_REQUIRE_SERVICES=1).
test: venv
	@bash scripts/chromium.sh || echo "==> no Chromium: the browser tests will be skipped"
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite on the embedded default (SQLite in memory, eager tasks, local-memory cache), as `make
# demo` runs the platform on a laptop; the tests that need PostgreSQL, Redis or a browser are left
# out here (`make test` runs them).
test-embedded: venv
	DATABASE_URL=sqlite:///:memory: REDIS_URL= $(PY) -m pytest $(PYTEST_ARGS) -m "not postgres and not redis and not browser"

# The attribution models against outside implementations (test-only, never shipped: the `oracles` extra).
test-oracles: venv
	$(PY) -m pip install --quiet -e '.[oracles]'
	$(PY) -m pytest tests/attribution/test_markov_oracle.py

lint: venv
	@bash scripts/lint.sh

typecheck: venv
	DEBUG=1 $(PY) -m mypy

check: venv
	@bash scripts/check.sh

bench: venv
	@shopt -s nullglob; benches=(bench/[a-z]*.py); \
	if (( ! $${#benches[@]} )); then echo "no benchmarks in bench/"; exit 0; fi; \
	failed=(); \
	for bench in "$${benches[@]}"; do \
		echo "==> $$bench"; \
		$(BENCH_ENV) $(PY) "$$bench" || failed+=("$$bench"); \
	done; \
	if (( $${#failed[@]} )); then echo "over budget or failed: $${failed[*]}"; exit 1; fi

services:
	@bash scripts/services.sh

ci:
	bash .ci/run

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache test-results \
		staticfiles build *.egg-info db.sqlite3 db.sqlite3-journal
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
