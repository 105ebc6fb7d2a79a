# parcouncil: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1:8000
# System packages: gettext compiles the translations, pango is WeasyPrint's layout engine,
# chromium runs the browser tests, fonts-liberation2 carries the Vietnamese-complete serif,
# postgresql-client backs up and restores in the backup test, softhsm2 is the PKCS#11 token
# the signing tests sign from, poppler-utils draws the PDFs the layout tests look at
# (bench/load.py installs wrk).
APT_RUN := gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2
APT_TEST := $(APT_RUN) chromium postgresql-client softhsm2 poppler-utils

.PHONY: install system-deps system-deps-test messages messages-update run worker test lint check clean-db \
	bench-data bench-pages bench-results bench-pdfs bench-load

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Installs what is missing (as root, with apt); prints what to install otherwise.
system-deps:
	@sh scripts/apt-ensure.sh $(APT_RUN)

system-deps-test:
	@sh scripts/apt-ensure.sh $(APT_TEST)

messages: install system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

# After adding strings: extract them into both catalogues, then translate the new entries.
messages-update: install system-deps
	$(BIN)/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=tests --ignore=static --no-obsolete

run: install system-deps messages
	$(BIN)/python manage.py migrate --noinput -v1
	$(BIN)/python manage.py seed_demo
	@echo "parcouncil: http://$(HOST)/ (demo logins in README.md); Ctrl-C stops the server and the worker."
	@sh scripts/serve.sh $(BIN) $(HOST)

worker: install
	$(BIN)/python manage.py qcluster

test: install system-deps-test messages
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist worksteal -m '' $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm

# Benchmarks (bench/RESULTS.md): against the database of DATABASE_URL (PostgreSQL for the
# figures of record). bench-data adds ten years of national-scale data to it and two large
# provincial programs (~35 min).
bench-data: install messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --scale national
	$(BIN)/python manage.py seed_demo --scale province --provinces 1 --units 600 --years 2
	$(BIN)/python manage.py seed_demo --scale province --provinces 1 --units 2100 --years 2

bench-pages: install messages
	$(BIN)/python bench/pages.py

bench-results: install messages
	$(BIN)/python bench/results.py

bench-pdfs: install system-deps messages
	$(BIN)/python bench/pdfs.py

bench-load: install messages
	$(BIN)/python bench/load.py
