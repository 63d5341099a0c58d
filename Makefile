# The book's commands. Everything runs from the project root with the tools in .venv,
# called by path (no activation needed). A fresh clone needs only python3 (with venv) and make.
#
#   make book      build the site into _build/html (strict: warnings fail)
#   make test      unit tests + strict nbval on every notebook + the strict build + the built
#                  site's tests (page weights, launch links, API pages, and every toc page in
#                  headless Chromium: tests/test_browser.py; it skips, saying how to install
#                  Chromium, where none is found)
#   make execute   re-execute chapters/*.ipynb in place (NB="chapters/01_x.ipynb ..." for some)
#   make bench     run benchmarks/train_step.py
#   make clean     remove build and test caches (keeps .venv)

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
JB      := $(VENV)/bin/jupyter-book
STAMP   := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

# Notebooks to re-execute with `make execute`; empty means every chapters/*.ipynb.
NB ?=

# OpenBLAS gives different bits with 1 and 2 threads: pin BLAS to one thread wherever stored
# outputs are produced or compared.
BLAS_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: venv book test execute bench clean

# Bootstrap: create .venv if missing and install the pinned requirements (which include the
# book's library, editable). The stamp is older than requirements.txt or pyproject.toml when
# either changes, so the next command re-installs.
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	touch $@

# Test-only tools (playwright), kept out of requirements.txt so Binder readers don't get them.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(STAMP)

book: $(STAMP)
	$(JB) build . -W -n --keep-going

# The site tests (tests/test_site*.py, tests/test_browser.py) read the build, so they run after it.
test: $(STAMP) $(DEV_STAMP)
	$(BLAS_ENV) $(PY) -m pytest tests --ignore-glob='tests/test_site*.py' \
		--ignore=tests/test_browser.py
	$(BLAS_ENV) $(PY) -m pytest -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg chapters/
	@start=$$(date +%s); $(JB) build . -W -n --keep-going && \
		echo "build: $$(( $$(date +%s) - start )) s"
	$(PY) -m pytest -p no:cacheprovider -rs tests/test_site*.py tests/test_browser.py

execute: $(STAMP)
	$(BLAS_ENV) $(PY) tools/execute_notebooks.py $(NB)

bench: $(STAMP)
	$(PY) benchmarks/train_step.py

clean:
	rm -rf _build .pytest_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
