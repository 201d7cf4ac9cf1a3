# aovpn.rras -- the two commands a fresh machine needs:
#   make demo   set up the controller venv, reset the lab, run the collection's main job against it
#   make test   set up the test venv and run every quality gate (exit status != 0 if any gate fails)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test pytest sanity windows-integration lint docs-lint changelog-lint galaxy-smoke lab-reset bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: requirements.txt requirements-demo.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-demo.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.demo-installed

lab-reset: $(VENV)/.demo-installed
	$(BIN)/python tests/lab/labctl.py reset

demo: lab-reset
	VENV=$(VENV) tests/lab/demo.sh

test: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/gates.sh

pytest: $(VENV)/.test-installed
	$(BIN)/pytest -n auto

sanity: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/ansible_test.sh sanity --python 3.11 --color no

# Against a real Windows RRAS host listed in tests/integration/inventory.winrm (see README).
windows-integration: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/ansible_test.sh windows-integration -v

lint: $(VENV)/.test-installed
	$(BIN)/python -c "import sys; sys.path.insert(0, 'tests'); import aovpn_testing; aovpn_testing.ensure_collection_tree()"
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/tests/output/collections $(BIN)/ansible-lint --offline --profile production

docs-lint: $(VENV)/.test-installed
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck .

changelog-lint: $(VENV)/.test-installed
	$(BIN)/antsibull-changelog lint

galaxy-smoke: $(VENV)/.test-installed
	VENV=$(VENV) tests/ci/galaxy_smoke.sh

bench: $(VENV)/.test-installed
	$(BIN)/python tests/bench/bench.py

clean:
	rm -rf tests/output collections *.tar.gz
