# Köpir: `make run` serves the demo, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed
PO := $(wildcard locale/*/LC_MESSAGES/*.po vendor_locale/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

.PHONY: setup run test bench worker fmt messages clean

$(INSTALLED): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Translations compile in pure Python, so no system gettext is needed.
%.mo: %.po $(INSTALLED)
	$(PY) -c 'import sys, polib; polib.pofile(sys.argv[1]).save_as_mofile(sys.argv[2])' $< $@

setup: $(INSTALLED) $(MO)

# The zero-setup demo: DEBUG on, SQLite under var/ unless DATABASE_URL is set, eager tasks unless REDIS_URL is.
run: export DJANGO_DEBUG ?= 1
run: export STAFF_MFA_REQUIRED ?= 0
run: setup
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		trap 'kill 0' INT TERM EXIT; \
		$(VENV)/bin/celery -A config worker --beat --loglevel INFO --concurrency 2 & \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	else \
		$(MANAGE) runserver 127.0.0.1:$(PORT); \
	fi

# The Nu HTML Checker for the HTML test, where Node.js is installed (without it that test skips).
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; fi

test: export SECRET_KEY ?= insecure-key-for-tests-only
test: setup node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest

# Speed and memory against their goals on PostgreSQL (a throwaway database); BENCH_SCALE=small for a quick run.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kopir
bench: export SECRET_KEY ?= insecure-key-for-the-benchmark-only
bench: setup
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) bench --settings=bench.settings --scale $(or $(BENCH_SCALE),full)

worker: setup
	$(VENV)/bin/celery -A config worker --beat --loglevel INFO

fmt: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (xgettext, msgmerge); translators then fill locale/*/LC_MESSAGES/django.po.
messages: export DJANGO_DEBUG ?= 1
messages: setup
	$(MANAGE) makemessages --all --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=vendor_locale

clean:
	rm -rf $(VENV) var node_modules $(MO)
