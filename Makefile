# The book's commands. Everything runs from the project root with the tools in .venv,
# called by path (no activation needed). A fresh clone needs only python3 (with venv) and make.
#
#   make book      build the site into _build/html (strict: warnings fail)
#   make test      unit tests + the lib's tests on the oldest numpy it declares + strict nbval
#                  on every notebook (offset 0) + the replication run (every notebook again
#                  with BOOK_SEED_OFFSET=1000, every assert must hold) + the strict build + the
#                  built site's tests (page weights, launch links, API pages, and every toc page
#                  in headless Chromium: tests/test_browser.py; it skips, saying how to install
#                  Chromium, where none is found)
#   make execute   re-execute chapters/*.ipynb in place (NB="chapters/01_x.ipynb ..." for some)
#   make replicate OFFSETS="2000 3000 4000 5000" [NB="05_depth 07_activations"]: execute the
#                  notebooks at each seed offset, comparing nothing (calibration; never 1000,
#                  which is the held-out offset of `make test`). Executed copies land in
#                  _build/replicate/offset-N/ so their printed values can be read.
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

# The oldest numpy that pyproject.toml declares, proved on the tests that import only npnet.
FLOOR_VENV  := .venv-floor
FLOOR_STAMP := $(FLOOR_VENV)/.installed
FLOOR_NUMPY := numpy==1.24.4
FLOOR_TESTS := tests/test_gradients.py tests/test_init.py tests/test_layers.py \
	tests/test_meanfield.py tests/test_optim.py tests/test_seeds.py

# Notebook passes: one notebook per worker on both cores (nbval's items of a notebook share a
# kernel, so they stay together: --dist loadscope).
NB_PYTEST := $(BLAS_ENV) $(PY) -m pytest -p no:cacheprovider -n 2
OFFSETS ?= 2000 3000 4000 5000
NB_SELECT = $(if $(NB),-k "$(shell echo $(NB) | sed 's/ / or /g')")

.PHONY: venv book test execute replicate floor bench clean

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
$(FLOOR_STAMP): pyproject.toml
	test -x $(FLOOR_VENV)/bin/python || $(PYTHON3) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --disable-pip-version-check -q $(FLOOR_NUMPY) \
		pytest==9.2.0
	$(FLOOR_VENV)/bin/python -m pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

floor: $(FLOOR_STAMP)
	$(BLAS_ENV) $(FLOOR_VENV)/bin/python -m pytest -q -p no:cacheprovider $(FLOOR_TESTS)

test: $(STAMP) $(DEV_STAMP) floor
	$(BLAS_ENV) $(PY) -m pytest -n 2 tests --ignore-glob='tests/test_site*.py' \
		--ignore=tests/test_browser.py
	@start=$$(date +%s); $(NB_PYTEST) --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg chapters/ && \
		echo "nbval pass: $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); BOOK_SEED_OFFSET=1000 BOOK_REPLICATE_ALL=1 $(NB_PYTEST) \
		tests/replicate_notebooks.py && \
		echo "replication pass (offset 1000): $$(( $$(date +%s) - start )) s"
	@start=$$(date +%s); $(JB) build . -W -n --keep-going && \
		echo "build: $$(( $$(date +%s) - start )) s"
	$(PY) -m pytest -p no:cacheprovider -rs tests/test_site*.py tests/test_browser.py

execute: $(STAMP)
	$(BLAS_ENV) $(PY) tools/execute_notebooks.py $(NB)

replicate: $(STAMP) $(DEV_STAMP)
	@for offset in $(OFFSETS); do \
		echo "== BOOK_SEED_OFFSET=$$offset"; \
		BOOK_SEED_OFFSET=$$offset $(NB_PYTEST) -q tests/replicate_notebooks.py \
			$(NB_SELECT) || failed="$$failed $$offset"; \
	done; test -z "$$failed" || { echo "failed at offsets:$$failed"; exit 1; }

bench: $(STAMP)
	$(PY) benchmarks/train_step.py

clean:
	rm -rf _build .pytest_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
