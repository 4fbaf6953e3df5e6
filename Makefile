# Two commands for a newcomer (see README.md):
#   make book   set up .venv, install requirements.txt, build the HTML book into _build/html
#   make test   set up .venv, install requirements.txt and the test extras, run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: book test test-fast binder data bench teacher pdf clean venv

venv: $(STAMP)
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

$(TESTSTAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,data]'
	touch $(TESTSTAMP)

book: $(STAMP)
	$(PY) -m tools.book build

teacher: $(STAMP)
	$(PY) -m tools.book build --teacher --out _build/teacher

# pytest caches its rewritten test modules as bytecode, even where PYTHONDONTWRITEBYTECODE is set
test: $(TESTSTAMP)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest

test-fast: $(TESTSTAMP)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -m "not slow"

# Binder's environment: a brand-new virtualenv from requirements.txt (package index needed), every chapter run in it
binder: $(TESTSTAMP)
	BOOK_BINDER_FULL=1 $(PY) -m pytest tests/test_binder.py

data: $(TESTSTAMP)
	$(PY) -m tools.build

bench: $(TESTSTAMP)
	$(PY) -m tools.bench

pdf: book
	$(PY) -m pip install --quiet -e '.[pdf]' && $(PY) -m tools.pdf

clean:
	rm -rf _build .pytest_cache
