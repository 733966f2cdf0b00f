# Two entry points: `make serve` runs the API on the embedded default (SQLite),
# `make test` runs the whole test suite (SQLite, or DATABASE_URL when set).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export KITSU_BIND ?= 127.0.0.1:8000
# One pytest worker per CPU core; `make test PYTEST_ARGS=` runs the suite in one process.
PYTEST_ARGS ?= -n auto

.PHONY: serve worker test venv lint migrate clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py init_data
	$(BIN)/python manage.py ensure_admin

serve: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving the Kitsu API on http://$(KITSU_BIND)/api (admin: http://$(KITSU_BIND)/admin/)"
	$(BIN)/gunicorn --config kitsu_project/gunicorn.conf.py

# A Celery worker for movie processing and playlist builds; the web server must use the same broker.
worker: venv
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0, for the worker and the server."; exit 1; }
	$(BIN)/celery --app kitsu_project worker --loglevel=INFO

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/static
