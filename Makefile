# Conum — two commands: `make run` (app on 127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run web worker beat test quality format bench load migrate seed clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py setup_periodic_tasks

seed: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty

# Web server, Celery worker and beat together. Ctrl-C (or the end of any of the three) stops
# all three by PID, each with a single SIGTERM: they run in their own session (setsid, where
# available) so that the terminal's SIGINT does not reach them twice. The recipe exits with
# 130 on Ctrl-C, otherwise with the status of the first process to stop.
SETSID := $(shell command -v setsid 2>/dev/null)
run: seed
	@echo "Conum : http://127.0.0.1:$(PORT)/  (back office : /admin/) — Ctrl-C pour tout arrêter"
	@pids=""; \
	stop() { trap - INT TERM HUP EXIT; [ -z "$$pids" ] || kill -TERM $$pids 2>/dev/null; wait; }; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM HUP; trap stop EXIT; \
	DEBUG=1 $(SETSID) $(BIN)/celery -A conumapp worker --loglevel=INFO --concurrency=2 & pids="$$pids $$!"; \
	DEBUG=1 $(SETSID) $(BIN)/celery -A conumapp beat --loglevel=INFO & pids="$$pids $$!"; \
	DEBUG=1 $(SETSID) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) & pids="$$pids $$!"; \
	wait -n; status=$$?; echo "Un des processus s'est arrêté ($$status) : arrêt des autres."; exit $$status

# Tests on PostgreSQL when DATABASE_URL is set, SQLite otherwise. PYTEST_STATUS_FILE (used by
# .ci/run) receives pytest's own exit status, which make turns into 2.
# axe-core (npm registry) for the accessibility checks of the browser tests; not committed.
node_modules/axe-core/axe.min.js:
	-command -v npm >/dev/null && npm install --no-save --no-audit --no-fund axe-core@4

# Tests run on every core (pytest-xdist; PYTEST_WORKERS=0 for one process), then the tests
# marked ``serial`` (real Celery workers, Redis restarts) in one process. Exit status 5 (no test
# collected) of one part is fine when the other part ran tests.
PYTEST_WORKERS ?= auto
test: install node_modules/axe-core/axe.min.js
	@first=0; second=0; \
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not serial" $(PYTEST_ARGS) || first=$$?; \
	$(BIN)/pytest -m serial $(PYTEST_ARGS) || second=$$?; \
	if [ $$first = 5 ] && [ $$second = 5 ]; then status=5; \
	elif [ $$first != 0 ] && [ $$first != 5 ]; then status=$$first; \
	elif [ $$second != 0 ] && [ $$second != 5 ]; then status=$$second; \
	else status=0; fi; \
	if [ -n "$(PYTEST_STATUS_FILE)" ]; then echo $$status > "$(PYTEST_STATUS_FILE)"; fi; \
	if [ $$status = 5 ]; then echo "Aucun test n'a été exécuté : échec."; fi; \
	exit $$status

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/run.py

load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf var/conum.sqlite3* var/celery
