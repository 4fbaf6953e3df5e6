# Two commands for a newcomer (see README.md):
#   make book   set up .venv, install requirements.txt, build the HTML book into _build/html
#   make test   set up .venv, install requirements.txt, run every test (book build included)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: book test data bench teacher pdf clean venv

venv: $(STAMP)
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(PY) -m tools.book build

teacher: $(STAMP)
	BOOK_TEACHER=1 $(PY) -m tools.book build --out _build/teacher

test: $(STAMP)
	PYTHONWARNINGS=ignore::UserWarning:pytest_notebook.utils $(PY) -m pytest

data: $(STAMP)
	$(PY) -m tools.build

bench: $(STAMP)
	$(PY) -m tools.bench

pdf: book
	$(PY) -m pip install --quiet "pypdf>=4" && $(PY) -m tools.pdf

clean:
	rm -rf _build .pytest_cache
