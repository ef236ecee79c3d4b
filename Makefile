# Gongyou: `make run` serves the seeded demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run serve test lint lint-imports typecheck messages bench bench-load clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --host $(HOST)
	$(PY) manage.py seed_positions
	@# One background worker (imports, exports, SMS, the periodic schedule) beside the web server,
	@# stopped with it.
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST)

# The demo under the production server (gunicorn, deploy/gunicorn.conf.py) instead of runserver.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  GUNICORN_BIND=$(HOST) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py gongyou.wsgi

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m mypy gongyou
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# The dependency direction of STYLE.md "Our layout" (contracts in pyproject.toml).
lint-imports: install
	$(VENV)/bin/lint-imports

typecheck: install
	$(PY) -m mypy gongyou

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

bench: install
	$(PY) bench/run_all.py

# The APIs under load (locust → gunicorn → PostgreSQL); locust only here, never in CI.
# Arguments through BENCH_LOAD_ARGS, e.g. BENCH_LOAD_ARGS="--users 50 --duration 30".
bench-load: install
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/bench_load.py $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules var static_collected artifacts
