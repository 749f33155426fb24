# The two commands of the README: `make run` (the product on embedded defaults) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where `make test` looks for servers when DATABASE_URL / REDIS_URL are unset; with nothing there it
# starts throwaway ones (scripts/with_test_services.py).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/circuitscope
REDIS_TEST_URL ?= redis://127.0.0.1:6379
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install run test test-postgres test-sqlite lint

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

# The product on embedded defaults: SQLite, in-process worker, in-memory channels, demo model.
# `runserver` is Daphne's (ASGI: HTTP and websockets), wired through INSTALLED_APPS.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_demo_user
	$(PY) manage.py load_demo_features
	$(PY) manage.py explain_offline
	$(PY) manage.py load_demo_graphs
	$(PY) manage.py runserver 127.0.0.1:8000

# Every test: the whole suite on PostgreSQL, then the data-layer tests again on SQLite, with the
# servers the harness chose or started (and stops, however the runs end).
test: install
	$(PY) -m scripts.with_test_services --default-database $(PG_TEST_URL) \
	    --default-redis $(REDIS_TEST_URL) -- $(MAKE) test-postgres test-sqlite

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(VENV)/bin/pytest $(PYTEST_ARGS)

test-sqlite:
	mkdir -p var
	DATABASE_URL=sqlite:///$(CURDIR)/var/test-sqlite.db $(VENV)/bin/pytest -m datalayer $(PYTEST_ARGS) || test $$? -eq 5

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
