# siterecovery.vmware: the commands the README names. Every target calls setup.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
COMPAT_VENV := $(ROOT)/.venv-compat
COMPAT_INTEGRATION := $(addprefix tests/integration/,test_failover_commit_lab.py test_wait_lab.py \
	test_inventory_lab.py test_summary_lab.py test_collection_package.py)
# The collection, importable as ansible_collections.siterecovery.vmware for pytest.
PYPATH := $(ROOT)/build/pythonpath

.PHONY: help setup setup-compat test sanity lint unit integration molecule test-compat demo build clean bench

help:
	@echo "make demo         the main job: the failover-failback cycle on the lab"
	@echo "make test         the whole suite: sanity, lint, unit, integration, molecule, compat"
	@echo "make setup        Debian packages, .venv, and ansible-test's pip bootstrap"
	@echo "make sanity | lint | unit | integration | molecule | test-compat | build | clean"
	@echo "make bench        issue #10's figures (bench/README.md); BENCH_REPO=PATH measures another checkout"

setup:
	@tools/setup.sh

setup-compat:
	@tools/setup_venv.sh $(COMPAT_VENV) $(ROOT)/requirements-compat.txt 3.11 3.13 lowest

$(PYPATH):
	@mkdir -p $(PYPATH)/ansible_collections/siterecovery
	@ln -sfn $(ROOT) $(PYPATH)/ansible_collections/siterecovery/vmware

test: sanity lint unit integration molecule test-compat
	@echo "make test: all steps passed"

sanity: setup
	@echo "== ansible-test sanity"
	@tools/sanity.sh

lint: setup $(PYPATH)
	@echo "== ansible-lint (production profile)"
	@# The collection is resolved from the source tree (build/pythonpath), not from a network install.
	@PATH=$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(PYPATH) $(VENV)/bin/ansible-lint --profile production --offline --nocolor
	@echo "== antsibull-changelog lint"
	@$(VENV)/bin/antsibull-changelog lint

unit: setup $(PYPATH)
	@echo "== unit tests"
	@PYTHONPATH=$(PYPATH) $(VENV)/bin/python -m pytest -q tests/unit

integration: setup $(PYPATH)
	@echo "== integration tests"
	@PYTHONPATH=$(PYPATH) $(VENV)/bin/python -m pytest -q --durations=30 tests/lab tests/integration

molecule: setup $(PYPATH)
	@echo "== molecule scenarios (extensions/molecule), each on a lab of its own"
	@tools/molecule.sh

test-compat: setup setup-compat $(PYPATH)
	@echo "== compatibility: ansible-core $$($(COMPAT_VENV)/bin/python -c "from ansible.release import __version__; print(__version__)"), $$($(COMPAT_VENV)/bin/python --version)"
	@# The unit tests, and against the lab the files that touch each ansible-core API the collection uses: modules and
	@# action plugins (failover_commit, wait), the inventory plugin, the filters (summary), ansible-doc and the build
	@# (collection_package). The rest of the integration suite runs once, on the newest ansible-core (make integration).
	@PYTHONPATH=$(PYPATH) $(COMPAT_VENV)/bin/python -m pytest -q --durations=10 tests/unit $(COMPAT_INTEGRATION)

build: setup
	@mkdir -p build/dist
	@$(VENV)/bin/ansible-galaxy collection build --force --output-path build/dist >/dev/null
	@cp build/dist/siterecovery-vmware-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz build/dist/siterecovery-vmware.tar.gz
	@ls build/dist/siterecovery-vmware-*.tar.gz

demo: setup $(PYPATH)
	@tools/demo.sh

# The figures of bench/README.md, for this checkout or another one (BENCH_REPO, after `make setup` there).
BENCH_REPO ?= $(ROOT)
bench: setup
	@# Every script runs, even after one that failed; the target fails if any did.
	@status=0; for script in poll_cost failover_reads realistic_cycle race_offsets drill_walltime; do \
		$(VENV)/bin/python bench/$$script.py --repo $(BENCH_REPO) || status=1; done; exit $$status

clean:
	rm -rf build tests/output .pytest_cache

.PHONY: lab-up lab-down
LAB_SCENARIO ?= classic
lab-up: setup
	@tools/lab.sh up $(LAB_SCENARIO)

lab-down:
	@tools/lab.sh down
