# aovpn.rras -- the two commands a fresh machine needs:
#   make demo   set up the controller venv, reset the lab, run the collection's main job against it
#   make test   set up the test venv and run every quality gate (exit status != 0 if any gate fails), on the
#               newest ansible-core and on the older releases of the version matrix (tests/ci/matrix.txt)
SHELL := /bin/bash
# The newest ansible-core (requirements-test.txt) needs Python >= 3.12. tests/ci/find_python.sh finds the
# interpreter (PATH, pyenv, /usr) and fails naming what is missing; PYTHON312=/path/to/python3.12 overrides it.
MAIN_PYTHON ?= 3.12
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test matrix pytest sanity mypy windows-integration lint docs-lint changelog-lint galaxy-smoke lab-reset bench clean venv-check

$(BIN)/python:
	interpreter=$$(tests/ci/find_python.sh $(MAIN_PYTHON)) && "$$interpreter" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# A venv made for an older layout (e.g. Python 3.11 with ansible-core 2.19) cannot take these requirements:
# say so instead of failing inside pip.
venv-check: | $(BIN)/python
	@$(BIN)/python -c 'import sys; want = tuple(int(p) for p in "$(MAIN_PYTHON)".split(".")); sys.exit(0 if sys.version_info[:2] >= want else 1)' \
	  || { echo "$(VENV) runs $$($(BIN)/python -V), the gates need Python >= $(MAIN_PYTHON) (ansible-core 2.21): remove $(VENV) (only the link, if it is a symlink to a shared venv) and run make again, or pass VENV=another/path" >&2; exit 1; }

$(VENV)/.demo-installed: requirements.txt requirements-demo.txt | venv-check
	$(BIN)/pip install --quiet -r requirements-demo.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | venv-check
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.demo-installed

lab-reset: $(VENV)/.demo-installed
	$(BIN)/python tests/lab/labctl.py reset

demo: lab-reset
	VENV=$(VENV) tests/lab/demo.sh

test: $(VENV)/.test-installed venv-check
	VENV=$(VENV) tests/ci/gates.sh main matrix

# Only the version matrix (tests/ci/matrix.txt): each older ansible-core in its own venv under tests/output/venvs/.
matrix: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/gates.sh matrix

pytest: $(VENV)/.test-installed
	$(BIN)/pytest -n auto

sanity: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/ansible_test.sh sanity --python $$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

mypy: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/mypy.sh

# Against a real Windows RRAS host listed in tests/integration/inventory.winrm (see README).
windows-integration: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/ansible_test.sh windows-integration -v

lint: $(VENV)/.test-installed
	$(BIN)/python -c "import sys; sys.path.insert(0, 'tests'); import aovpn_testing; aovpn_testing.ensure_collection_tree()"
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/tests/output/collections $(BIN)/ansible-lint --offline --profile production

docs-lint: $(VENV)/.test-installed
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: $(VENV)/.test-installed
	$(BIN)/antsibull-changelog lint

# Build, check the file list, galaxy-importer (as Galaxy / Automation Hub run it), offline install.
galaxy-smoke: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/galaxy_smoke.sh

# Not part of test nor CI: both parts at N = 10 and 100 take hours on 2 cores (tests/bench/README.md).
bench: $(VENV)/.test-installed
	$(BIN)/python tests/bench/bench.py

clean:
	rm -rf tests/output collections *.tar.gz
