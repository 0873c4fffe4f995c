# make run   : the scheduler on SQLite with the shipped sources and rules (alerts on the console)
# make test  : lint (ruff, mypy, hadolint) and the whole test suite
# make bench : the benchmarks in bench/ (writes nothing into the tree)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PEERS  := .venv-peers
PEERS_STAMP := $(PEERS)/.installed-$(shell cksum bench/peers.txt | cut -d' ' -f1)

.PHONY: run test lint pytest bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
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
	$(BIN)/python bench/langid_eval.py
	$(BIN)/python bench/rules_throughput.py

clean:
	rm -rf $(VENV) $(PEERS) .mypy_cache .pytest_cache .ruff_cache
