# Qorgau. `make run` starts the demo on http://127.0.0.1:$(PORT); `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WEB_WORKERS ?= 2
TEST_WORKERS ?= auto

.PHONY: run test lint messages check-messages vendor bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"

$(VENV)/.run-installed: requirements/run.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/run.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.test-installed: requirements/test.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/test.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.run-installed

run: export QORGAU_ENV ?= demo
run: export PORT := $(PORT)
run: $(VENV)/.run-installed
	@mkdir -p var
	$(BIN)/qorgau compile-translations
	$(BIN)/qorgau migrate --noinput -v 0
	$(BIN)/qorgau createcachetable
	@test -f var/.demo-loaded || ($(BIN)/qorgau demo-data && touch var/.demo-loaded)
	$(BIN)/qorgau collectstatic --noinput -v 0
	@$(BIN)/qorgau demo-signins
	@echo "Qorgau: http://127.0.0.1:$(PORT)/  (Ctrl+C stops the web server and the worker)"
	@$(BIN)/qorgau run_huey --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn qorgau.wsgi --bind 127.0.0.1:$(PORT) --workers $(WEB_WORKERS) --threads 4 \
		--access-logfile - --graceful-timeout 5

test: export QORGAU_ENV = test
test: $(VENV)/.test-installed
	@mkdir -p var
	$(BIN)/qorgau compile-translations
	@# The workers first; then, alone, the tests marked solo (exit code 5, nothing selected, is
	@# fine for either part of a subset such as PYTEST_ARGS=tests/cases, never for both).
	@$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not solo" $(PYTEST_ARGS); a=$$?; \
	$(BIN)/pytest -m solo $(PYTEST_ARGS); b=$$?; \
	[ $$a -eq 0 -a $$b -eq 0 ] || [ $$a -eq 0 -a $$b -eq 5 ] || [ $$a -eq 5 -a $$b -eq 0 ] || exit 1

lint: export QORGAU_ENV = test
lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench deploy
	$(BIN)/ruff format --check src tests bench deploy
	$(BIN)/mypy src/qorgau/core src/qorgau/cases src/qorgau/referrals src/qorgau/risk

# Refresh the .po catalogues of every app from the source (needs GNU gettext).
messages: export QORGAU_ENV = test
messages: $(VENV)/.test-installed
	@for dir in src/qorgau/*/locale; do app=$$(dirname $$dir); \
		(cd $$app && ../../../$(BIN)/qorgau makemessages -l kk -l ru --no-obsolete --no-location -v 0 \
			--ignore 'static/vendor/*') || exit 1; done

vendor:
	./scripts/vendor-assets

bench: export QORGAU_ENV = test
bench: $(VENV)/.test-installed
	$(BIN)/pytest bench --benchmark-enable -p no:randomly $(PYTEST_ARGS)

# The quick load run (CI): 300 generated cases, 10 users, 20 s beside the floor (bench/load/run.py).
$(VENV)/.bench-installed: requirements/bench.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/bench.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.run-installed $(VENV)/.test-installed

bench-quick: export QORGAU_ENV = test
bench-quick: $(VENV)/.bench-installed
	$(BIN)/qorgau compile-translations
	$(BIN)/python bench/load/run.py --quick

clean:
	rm -rf var $(VENV)
