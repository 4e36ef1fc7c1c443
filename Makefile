# Threadline: two commands set everything up on a fresh clone.
#   make demo   build the demo force on the embedded store and open the app
#   make test   the default test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:12])")
DEMO   := var/demo
DEMO_INCIDENTS ?= 20000
DEMO_SEED ?= 7
# The demo force's period ends on the day it is built (a new day builds it afresh), so that what
# depends on "now" (orders in force, DASH owed, MARAC, statistics) agrees with its data.
DEMO_DAY ?= $(shell TZ=Europe/London date +%F)
# A change to the linkage model's comparisons builds it afresh too: a model trained on other
# comparison levels is refused ("retrain it"), so the demo's model is trained again.
MODEL_CODE := $(shell sha1sum src/threadline/resolve/comparisons.py | cut -c1-8)
DEMO_DONE := var/demo-$(DEMO_DAY)-$(MODEL_CODE).done
PORT ?= 8000
# Test processes (pytest-xdist): one per core; JOBS=0 runs the tests in this process. A test file
# stays in one process (--dist loadfile), so a module's costly fixture is built once.
JOBS ?= auto
PYTEST := $(BIN)/pytest -q -n $(JOBS) --dist loadfile
export THREADLINE_DATABASE_URL ?= sqlite:///var/threadline.db

.PHONY: install test test-ci check lint typecheck demo demo-data bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

test: install
	$(PYTEST)

# What CI adds: the PostgreSQL, Spark and browser suites and the slow tests (see .ci/run).
test-ci: install
	$(BIN)/pip install -q -e '.[dev,spark,browser]'
	$(PYTEST) -m "postgres or spark or browser or slow"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

# The demo force: generated, imported, its people resolved and its alerts recognised, once.
$(DEMO_DONE): | install
	rm -f var/demo.done var/demo-*.done var/threadline.db var/threadline.db-wal var/threadline.db-shm var/model.json
	$(BIN)/threadline synth $(DEMO) --incidents $(DEMO_INCIDENTS) --seed $(DEMO_SEED) --end $(DEMO_DAY) --current-story
	$(BIN)/threadline import $(DEMO)/orders.jsonl $(DEMO)/incidents.jsonl $(DEMO)/crimes.jsonl $(DEMO)/assessments.jsonl
	$(BIN)/threadline train
	$(BIN)/threadline resolve
	# the ex-partner campaigns' communications evidence, each under the incident its truth names
	while IFS="$$(printf '\t')" read -r ref owner files; do \
	  sed 's|^|$(DEMO)/comms/|' "$(DEMO)/comms/$$files" | \
	    xargs -d '\n' $(BIN)/threadline import-comms --incident "$$ref" --owner "$$owner" || exit 1; \
	done < $(DEMO)/comms/imports.tsv
	$(BIN)/threadline recognise
	touch $(DEMO_DONE)

demo-data: $(DEMO_DONE)

demo: demo-data
	$(BIN)/threadline summary
	# plain HTTP on this machine only: the session cookie cannot be Secure here
	THREADLINE_SECURE_COOKIES=false $(BIN)/threadline serve --demo-users --demo-passwords var/demo-passwords.txt --host 127.0.0.1 --port $(PORT)

bench: install
	$(BIN)/python bench/bench_import.py --incidents 50000

clean:
	rm -rf var build dist src/*.egg-info test-artifacts
