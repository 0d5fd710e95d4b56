# Köpir: `make run` serves the demo, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# `make run` needs the runtime dependencies only; `make test` adds the test tools on top (two stamps).
RUN_DEPS := $(VENV)/.installed-run
TEST_DEPS := $(VENV)/.installed-test
PO := $(wildcard locale/*/LC_MESSAGES/*.po vendor_locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)
# The suite runs in parallel, each worker with its own test database and Redis database; PYTEST_WORKERS=0 for one process.
PYTEST_WORKERS ?= 2

.PHONY: setup setup-test run test bench worker fmt messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_DEPS): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TEST_DEPS): requirements-dev.txt $(RUN_DEPS)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Translations compile in pure Python, so no system gettext is needed.
%.mo: %.po $(RUN_DEPS)
	$(PY) -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $< $@

setup: $(RUN_DEPS) $(MO)
setup-test: setup $(TEST_DEPS)

# The zero-setup demo: DEBUG on, SQLite under var/ unless DATABASE_URL is set, eager tasks unless REDIS_URL is.
run: export DJANGO_DEBUG ?= 1
run: export STAFF_MFA_REQUIRED ?= 0
run: export PORT := $(PORT)
run: setup
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		trap 'trap - INT TERM EXIT; kill 0' INT TERM EXIT; \
		$(VENV)/bin/celery -A config worker --beat --loglevel INFO --concurrency 2 & \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	else \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	fi

# The Nu HTML Checker for the HTML test, where Node.js is installed (without it that test skips).
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; fi

test: export SECRET_KEY ?= insecure-key-for-tests-only
test: setup-test node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest --numprocesses $(PYTEST_WORKERS)

# Speed and memory against their goals on PostgreSQL (a throwaway database); BENCH_SCALE=small for a quick run,
# BENCH_ONLY=admin for the admin's pages only, BENCH_KEEP=1 to keep the loaded data for the next such run.
# The test tools too: the deadline rush's load script is locust's.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kopir
bench: export SECRET_KEY ?= insecure-key-for-the-benchmark-only
bench: setup-test
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) bench --settings=bench.settings --scale $(or $(BENCH_SCALE),full) \
		$(if $(BENCH_ONLY),--only $(BENCH_ONLY)) $(if $(BENCH_KEEP),--keep)

worker: setup
	$(VENV)/bin/celery -A config worker --beat --loglevel INFO

fmt: setup-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (xgettext, msgmerge); translators then fill locale/*/LC_MESSAGES/django.po.
messages: export DJANGO_DEBUG ?= 1
messages: setup
	$(MANAGE) makemessages --all --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=vendor_locale

clean:
	rm -rf $(VENV) var node_modules $(MO)
