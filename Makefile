# IHP Navigator — development targets. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 for Rasa 3.6: pyenv's 3.10.13 (found even when pyenv is not on PATH), else python3.10.
PYENV_ROOT_DIR := $(shell pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}")
PYTHON310 ?= $(shell for p in "$(PYENV_ROOT_DIR)/versions/3.10.13/bin/python3.10" python3.10; do \
  command -v "$$p" >/dev/null 2>&1 && echo "$$p" && break; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed

.PHONY: help install system-deps train kb kb-review run telegram-poll screenshots admin migrate retention prod-up prod-down test test-unit validate evaluate-nlu tune-nlu bench lint catalogs clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(INSTALLED): requirements/base.in requirements/dev.in requirements/constraints.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: Python 3.10 not found (Rasa 3.6 needs Python <= 3.10)."; \
	  echo "       Install it with 'pyenv install 3.10.13' or set PYTHON310=/path/to/python3.10."; \
	  exit 1; fi
	@echo "==> Creating the Python 3.10 virtualenv in $(VENV) (first run: a few minutes)"
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@echo "==> Installing pinned requirements (progress below)"
	@$(PY) -m pip install --progress-bar on -c requirements/constraints.txt \
	  -r requirements/base.in -r requirements/dev.in 2>&1 | grep -E --line-buffered '^(Collecting|Installing|Successfully|ERROR)' || true
	@$(PY) -c "import rasa, lingua, jieba, babel, argon2, playwright, pytest" || { echo "error: installation incomplete"; exit 1; }
	@touch $@

install: $(INSTALLED) ## Build the Python 3.10 venv from the pinned requirements

APT_PACKAGES := $(shell sed -e 's/\#.*//' requirements/apt.txt)
system-deps: ## Install the Debian packages of requirements/apt.txt that are missing (apt-get, as root or sudo)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  echo "==> Installing Debian packages:" $$missing; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing \
	    || { echo "error: could not install" $$missing "(needs root or sudo)"; exit 1; }; fi

train: $(INSTALLED) ## Train the model if its inputs changed (cached by hash in models/)
	@$(PY) -m scripts.train

kb: $(INSTALLED) ## Load the knowledge base (data/kb) into the app database
	@$(PY) -m actions.kb load

kb-review: $(INSTALLED) ## List KB entries due for review (older than 12 months, or flagged CHECK)
	@$(PY) -m actions.kb review

run: train kb ## Start action server, web app (demo at :8000/demo) and Rasa; print the URLs; Ctrl-C stops all
	@$(PY) -m scripts.run

admin: $(INSTALLED) ## Create a staff console administrator: make admin EMAIL=you@org NAME="Your Name"
	@[ -n "$(EMAIL)" ] && [ -n "$(NAME)" ] || { echo 'usage: make admin EMAIL=you@org NAME="Your Name"'; exit 1; }
	@$(PY) -m web.accounts create-admin "$(EMAIL)" "$(NAME)"

migrate: $(INSTALLED) ## Bring the app database (DATABASE_URL) to the latest schema (Alembic, migrations/)
	@$(PY) -m scripts.migrate

prod-up: train system-deps ## The production shape on this machine: PostgreSQL, Redis, nginx, 2 Rasa + 2 action servers
	@$(PY) -m scripts.prod up

prod-down: ## Stop what prod-up started (the data stays in var/prod/)
	@$(PY) -m scripts.prod down

retention: $(INSTALLED) ## Delete conversations, handoffs and plans inactive for RETENTION_DAYS (365); run daily
	@$(PY) -m scripts.retention

telegram-poll: $(INSTALLED) ## Deliver Telegram messages to a local `make run` (no public URL needed)
	@$(PY) -m scripts.telegram_poll

screenshots: train system-deps ## README pictures: the widget (en, ar, zh) and the staff console → docs/*.png
	@$(PY) -m scripts.screenshots

validate: $(INSTALLED) ## rasa data validate
	@$(RASA) data validate --data data/nlu data/rules --domain domain.yml

test: train system-deps ## Run every test (unit, data validation, catalogs, NLU per language, end to end)
	@$(PY) -m pytest

test-unit: $(INSTALLED) ## Unit tests only (no trained model, no servers)
	@$(PY) -m pytest -m "not model and not e2e"

evaluate-nlu: train ## Intent accuracy, macro-F1 and language identification per language on the held-out data
	@$(PY) -m scripts.evaluate_nlu

CONFIGS ?= config.yml
tune-nlu: $(INSTALLED) ## Compare NLU configs on a split of the training data: make tune-nlu CONFIGS="a.yml b.yml"
	@$(PY) -m scripts.tune_nlu $(CONFIGS)

bench: train ## Benchmarks beside a Rasa baseline → bench/results/ (not part of make test)
	@$(PY) -m bench.run

lint: $(INSTALLED) ## ruff
	@$(VENV)/bin/ruff check bot actions web scripts bench tests

catalogs: $(INSTALLED) ## Extract message ids and update every language's catalog (Babel)
	@$(PY) -m scripts.catalogs

clean: ## Remove the venv, trained models and the local database
	rm -rf $(VENV) models var
