# kg: make help lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= examples/faq
STORE  ?= var/store
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: help install run test lint bench fuzz clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 10

$(STAMP): setup.cfg setup.py pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP) node_modules/.package-lock.json  ## create .venv, install kg and its JS assets (fast when nothing changed)

run: install  ## build the graph from CORPUS (default: examples/faq) into STORE and serve it
	$(BIN)/kg build $(CORPUS) --root $(CORPUS) -o $(STORE)
	$(BIN)/kg serve $(STORE) --host $(HOST) --port $(PORT)

test: install  ## run the test suite (needs ../shared beside the checkout)
	$(BIN)/python -m pytest -q

lint: install  ## check the layer contracts (import-linter, .importlinter) and the code (ruff, ruff.toml)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .

bench: install  ## run the benchmarks on the full corpus and print a table
	$(BIN)/python tests/bench.py

fuzz: install  ## fuzz a real kg serve longer than the tests: schemathesis on /api/*, mutated SPARQL on /sparql
	$(BIN)/python -m tests.fuzz

clean:  ## remove the virtualenv and built stores
	rm -rf $(VENV) var
