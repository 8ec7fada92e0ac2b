# One command to run the demo, one to run the tests. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo's fictional partnership; a real one sets PARTNERSHIP_NAME in its environment.
export PARTNERSHIP_NAME ?= Riverside Community Safety Partnership

.DEFAULT_GOAL := help
.PHONY: help demo serve test lint format install assets migrate clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.runtime node_modules/.installed ## Create .venv and install the app's packages
	@scripts/system-packages.sh runtime

assets: node_modules/.installed ## Install front-end assets from the npm lock file

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: migrate ## Set up everything, load the demo partnership and serve it on 127.0.0.1:8000
	$(BIN)/python manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: migrate ## Serve without reloading the demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Test processes for pytest-xdist; PYTEST_WORKERS=0 runs the tests in one process.
PYTEST_WORKERS ?= 2
test: $(VENV)/.dev node_modules/.installed ## Install what the tests need and run them
	@scripts/system-packages.sh test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtual environment, node_modules and the demo database
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles

# Benchmarks print figures and never fail; a scratch SQLite copy of the demo, removed afterwards.
# The load test runs on the same copy after bench.py, so it sees the 10x data bench.py added.
.PHONY: bench
bench: $(VENV)/.dev ## Print the annual report's benchmark ratios and a loopback load test, on the demo data
	@scripts/system-packages.sh runtime
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	export SQLITE_PATH="$$dir/bench.sqlite3" BENCH_DIR="$$dir" && \
	echo "Loading the demo into a scratch database..." && \
	{ $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py load_demo --quiet-logins; } >"$$dir/setup.log" 2>&1 \
	  || { cat "$$dir/setup.log"; exit 1; } && \
	$(BIN)/python scripts/bench.py 2>"$$dir/bench.log" || { cat "$$dir/bench.log"; exit 1; } && \
	echo && \
	$(BIN)/python scripts/loadtest.py 2>"$$dir/loadtest.log" \
	  || { cat "$$dir/loadtest.log" "$$dir/gunicorn.log" 2>/dev/null; exit 1; }
