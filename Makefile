# MotCua: two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := .uv/bin/uv
PY := .venv/bin/python
MOTCUA := .venv/bin/motcua
export UV_PROJECT_ENVIRONMENT := .venv
# Precompile site-packages: some machines set PYTHONDONTWRITEBYTECODE, and compiling on every start costs seconds.
export UV_COMPILE_BYTECODE := 1

.PHONY: run test env check lint typecheck pytest browser messages demo bench clean

.uv/bin/uv:
	python3 -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: .uv/bin/uv pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

env: .venv/.synced messages  ## create the environment from the lock file
	mkdir -p var

messages: .venv/.synced
	cd src/motcua && ../../$(MOTCUA) compilemessages --verbosity 0

demo: env  ## migrate the embedded database and load the Lạng Sơn demo
	mkdir -p var
	$(MOTCUA) migrate --noinput --verbosity 0
	$(MOTCUA) load_demo

# The external systems' simulators `make run` starts beside the site (logs in var/simulate-<name>.log).
SIMULATORS := portal payment vneid sms zalo lgsp

run: demo  ## serve the demo at http://127.0.0.1:8000 with the task worker and the simulators
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	for system in $(SIMULATORS); do \
	  $(MOTCUA) simulate $$system > var/simulate-$$system.log 2>&1 & \
	done; \
	$(MOTCUA) worker --no-reload > var/worker.log 2>&1 & \
	echo "simulators: $(SIMULATORS) (var/simulate-*.log); task worker and periodic jobs: var/worker.log"; \
	$(MOTCUA) runserver 127.0.0.1:8000

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: env
	.venv/bin/mypy

browser:  ## install the system Chromium the browser journeys use (root, Debian)
	bash scripts/install-browser.sh

pytest: env
	$(PY) -m pytest $(PYTEST_ARGS)

test: env lint typecheck  ## the whole suite: lint, types, tests (browser journeys when Chromium is there)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: env  ## every use case through HTTP beside the floors (bench/bench.sh; BENCH_DOSSIERS=1000000 for the full queue)
	bash bench/bench.sh

clean:
	rm -rf .venv .uv var
