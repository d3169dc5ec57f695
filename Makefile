# Registrar Warehouse: every set-up step lives here so a fresh clone needs only
# `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export REGISTRAR_HOME ?= $(CURDIR)/data
DEMO_DIR ?= $(REGISTRAR_HOME)/demo_extracts
PORT ?= 8501

.PHONY: install run demo test test-fast lint bench bench-load clean browser docs screenshots screenshots-review

install: $(VENV)/.installed

# Reinstall whenever the pins change.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

demo: install
	$(BIN)/registrar demo --out $(DEMO_DIR)
	$(BIN)/registrar refresh $(DEMO_DIR)

# Signing in is required: a demo user per role is added and printed (passwords shown for the demo only).
run: demo
	$(BIN)/registrar user demo
	@echo "Open http://localhost:$(PORT) and sign in as one of the users above."
	$(BIN)/registrar serve --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright downloads no browser here). The shipped nginx
# site (deploy/nginx) is checked with `nginx -t` by Debian's nginx binary, unpacked beside the venv
# rather than installed, so no web server starts on the machine.
NGINX_TOOL := $(CURDIR)/$(VENV)/tools/nginx/usr/sbin/nginx
export REGISTRAR_TEST_NGINX ?= $(NGINX_TOOL)
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -x $(NGINX_TOOL) || { echo "Unpacking Debian's nginx for the check of deploy/nginx"; \
	  tmp=$$(mktemp -d) && (cd $$tmp && apt-get download -qq nginx 2>/dev/null || \
	  { apt-get update -qq && apt-get download -qq nginx; }) && mkdir -p $(VENV)/tools/nginx && dpkg -x $$tmp/nginx_*.deb $(VENV)/tools/nginx && \
	  rm -rf $$tmp; }

# The whole suite: unit, warehouse (real dbt builds) and browser (real Chromium) tiers. Whole files
# go to the two workers in the order tests/conftest.py collects them (the slowest first, the unit
# tier last); xdist's own reorder would send the slow files, which hold few tests, last.
test: lint browser
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15

# The unit tier alone (no dbt, no Streamlit, no browser): the loop for changing one function.
test-fast: install
	$(BIN)/pytest -n 2 tests/unit

# ruff, sqlfluff, and the package layering of .importlinter (lint-imports).
lint: install
	$(BIN)/ruff check policy extract registrar dashboards demo bench tests
	$(BIN)/sqlfluff lint models macros tests/dbt --nocolor --processes 2
	$(BIN)/lint-imports --no-cache

# Whole refreshes of 5,000 to 600,000 students, each also fully quoted (`5000q`), against pandas
# and DuckDB (bench/README.md); the 600,000 needs about 12 GB and many minutes.
# Results: bench/results/, bench/RESULTS.md.
BENCH_SIZES ?= 5000,5000q,50000,50000q,200000,200000q,600000,600000q
bench: install
	$(BIN)/registrar-bench --sizes $(BENCH_SIZES)

# 50 signed-in sessions on the real dashboards at 5,000 students while a refresh publishes
# (bench/load.py, bench/README.md): results in bench/results/<stamp>-load.json and .md
LOAD_STUDENTS ?= 5000
LOAD_SESSIONS ?= 50
bench-load: install browser
	$(BIN)/registrar-bench load --students $(LOAD_STUDENTS) --sessions $(LOAD_SESSIONS)

clean:
	rm -rf $(VENV) data target logs dbt_packages

# The dbt documentation site of the published warehouse: data/docs/index.html
docs: install
	$(BIN)/registrar docs

# A screenshot of each dashboard page from the demo, for the README and docs/: docs/screenshots/*.png
screenshots: install browser
	@test -f $(REGISTRAR_HOME)/warehouse.duckdb || $(MAKE) demo
	$(BIN)/python -m tests.support.screenshots --out docs/screenshots

# Every page each role may open, in Kazakh and Russian, for a look before a release:
# $(REGISTRAR_HOME)/screenshots/<lang>/<role>/<page>.png (not committed).
screenshots-review: install browser
	@test -f $(REGISTRAR_HOME)/warehouse.duckdb || $(MAKE) demo
	$(BIN)/python -m tests.support.screenshots --out $(REGISTRAR_HOME)/screenshots --lang kk ru --role all
