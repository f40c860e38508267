# Meedoen — two commands from a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PRESET ?= rotterdam
DEMO_RESIDENTS ?= 2000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test setup venv migrate demo serve bench bench-setup load chromium messages lock clean help

help:
	@echo "make run    - set up, migrate, load the demo municipality (if empty) and serve on http://$(HOST):$(PORT)/"
	@echo "make test   - set up and run the whole test suite (unit, API, browser)"
	@echo "make bench  - seed 40,000 residents and measure page times against a baseline"
	@echo "make load   - 450,000 residents on PostgreSQL, gunicorn + locust: p95 per page, 1 user vs 50 (docs/load.md)"

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $@

venv setup: $(VENV)/.installed

# The benchmark's own tools (locust, gunicorn), on top of the dev requirements; never needed to run the app.
$(VENV)/.bench-installed: $(VENV)/.installed requirements/bench.txt
	$(PIP) install --quiet -r requirements/bench.txt
	touch $@

bench-setup: $(VENV)/.bench-installed

var:
	mkdir -p var

migrate: setup var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_policy_presets

demo: migrate
	$(PY) manage.py seed_demo --preset $(DEMO_PRESET) --residents $(DEMO_RESIDENTS) --if-empty

serve:
	@$(PY) manage.py demo_logins || true
	@echo "Meedoen draait op http://$(HOST):$(PORT)/  (stoppen: Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

run: demo serve

# Debian's Chromium for the Playwright browser tests; Playwright never downloads a browser itself.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@test -x "$(CHROMIUM)" || { echo "Chromium is missing at $(CHROMIUM); the browser tests cannot run." >&2; exit 1; }

test: setup chromium
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

bench: setup bench-setup
	$(PY) bench/run.py $(BENCH_ARGS)

# The load scenario alone (PostgreSQL, 127.0.0.1 only): make load LOAD_ARGS="--reuse-db"
load: setup bench-setup
	$(PY) bench/load.py $(LOAD_ARGS)

# Regenerate pinned requirements after editing requirements/*.in
lock: setup
	$(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt requirements/base.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/dev.txt requirements/dev.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/bench.txt requirements/bench.in

clean:
	rm -rf $(VENV) var .bench
