# make run   : the scheduler on SQLite with the shipped sources and rules (alerts on the console)
# make test  : lint (ruff, mypy, hadolint, the compose schema) and the whole test suite
# make bench : the benchmarks in bench/ (writes nothing into the tree)
# make lock  : recompile requirements.lock and requirements-dev.lock from the ranges in pyproject.toml
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The venv installs exactly what the lock files pin (the ranges stay in pyproject.toml); the
# stamp's name changes with their content, so editing any of them reinstalls.
LOCKS  := requirements.lock requirements-dev.lock
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCKS) | cksum | cut -d' ' -f1)
PEERS  := .venv-peers
PEERS_STAMP := $(PEERS)/.installed-$(shell cksum bench/peers.txt | cut -d' ' -f1)

.PHONY: run test lint pytest bench install lock clean

$(STAMP): pyproject.toml $(LOCKS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/monitor run

lint: $(STAMP)
	$(BIN)/ruff check monitor tests bench
	$(BIN)/ruff format --check monitor tests bench
	$(BIN)/mypy
	$(BIN)/hadolint --ignore DL3008 Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml

pytest: $(STAMP)
	$(BIN)/pytest

test: lint pytest

# rss2email and feed2exec in a venv of their own: their dependencies stay out of ours.
$(PEERS_STAMP): bench/peers.txt
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install -q -r bench/peers.txt
	rm -f $(PEERS)/.installed-*
	touch $(PEERS_STAMP)

bench: $(STAMP) $(PEERS_STAMP)
	$(BIN)/python bench/poll.py --peers $(PEERS)/bin
	$(BIN)/python bench/classify_eval.py
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/langid_eval.py
	$(BIN)/python bench/rules_throughput.py

# Universal locks (every platform and Python 3.11+ in one file) with hashes; the dev lock is held
# to the runtime lock's versions, so the image runs what the tests ran.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"
lock: $(STAMP)
	$(UV_COMPILE) $(LOCK_FLAGS) -o requirements.lock
	$(UV_COMPILE) $(LOCK_FLAGS) --extra dev -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) $(PEERS) .mypy_cache .pytest_cache .ruff_cache
