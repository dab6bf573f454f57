# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.9
export DATABASE_URL ?= sqlite+aiosqlite:///var/fairarena.db

.PHONY: run test venv migrate lint typecheck imports check bench lock clean

run: $(STAMP)  ## Install, migrate and serve on http://127.0.0.1:3000 (embedded default)
	@mkdir -p var
	$(BIN)/fairarena migrate
	# The sandbox gateway and /dev/checkout are opt-in (never implied by a missing ENV).
	PAYMENTS_SANDBOX=$${PAYMENTS_SANDBOX:-true} $(BIN)/fairarena serve

test: $(STAMP)  ## The whole suite (unit, integration on real PostgreSQL + Redis, e2e)
	$(BIN)/pytest -q -p no:cacheprovider -n 2

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	# uv (pinned, from PyPI) installs the lock in seconds; it uses this venv's interpreter and
	# never downloads one.
	$(BIN)/pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/fairarena migrate

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict domain application adapters entrypoints

imports: $(STAMP)
	$(BIN)/lint-imports

check: lint typecheck imports test  ## Everything CI runs

bench: $(STAMP)  ## Benchmarks on PostgreSQL + Redis (see docs/performance.md)
	$(BIN)/python bench/run_all.py

lock:  ## Re-resolve requirements.lock from pyproject.toml (needs network to PyPI)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
