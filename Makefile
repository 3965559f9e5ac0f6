# The command index. `make run` and `make test` set everything up on a fresh machine with only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Pinned sets compiled from requirements*.in (`make requirements`); a stamp named after their checksum reinstalls
# whenever one changes. The load-test stack (requirements-bench.txt) is installed by `make bench` only.
REQUIREMENTS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQUIREMENTS) | cksum | cut -d' ' -f1)
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat $(REQUIREMENTS) requirements-bench.txt | cksum | cut -d' ' -f1)
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make requirements" $(BIN)/pip-compile --quiet --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
TRANSLATIONS := volunteer_hub/translations
PO := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: setup requirements run test lint fmt translations extract bench bench-micro bench-data bench-hours-data clean

setup: $(STAMP) $(MO)

$(STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	rm -f $(VENV)/.bench-installed-* && touch $@

## Recompile the pinned requirements*.txt after editing a requirements*.in (pip-tools, part of the dev set).
## Every other pin stays as it is; to move one: make requirements PIP_COMPILE_ARGS="--upgrade-package NAME".
requirements: setup
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements.txt requirements.in
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements-bench.txt requirements-bench.in

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics

## Web + worker + embedded Redis on SQLite, with demo data on first start. Ctrl-C stops everything.
run: setup
	$(BIN)/flask --app wsgi dev

## The whole test suite (TEST_DATABASE_URL / TEST_REDIS_URL point it at real servers).
test: setup
	$(BIN)/pytest

## ruff (lint and the format check), mypy ([tool.mypy]: strict for core/ and claims/), then the import contract in
## pyproject.toml ([tool.importlinter]: arrows point down, see ARCHITECTURE.md).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the message catalogue after changing user-facing strings.
extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -o $(TRANSLATIONS)/messages.pot volunteer_hub
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

translations: $(MO)

## The load and failure run (not part of `make test`): the production layout in miniature (PostgreSQL, Redis,
## 2 web processes, 2 RQ workers, scheduler) under the busiest day's traffic x100 (locust), then again with faults
## (a worker SIGKILLed, Redis down 10 s, a web process killed), with the invariant checks and the claim/bare ratio.
## SMS go through the Alibaba Cloud adapter to a local stand-in that counts provider calls per delivery record.
## A failed invariant makes it fail.
## BENCH_LOAD_ARGS="--seconds 15 --scale 0.1" for a quick run; --pg-port reuses a running PostgreSQL. Needs `wrk`.
## Installs the load-test stack (requirements-bench.txt: locust, gevent, pyzmq, pyinstrument) first.
bench: setup $(BENCH_STAMP)
	$(BIN)/python bench/load/run.py $(BENCH_LOAD_ARGS)
	$(MAKE) --no-print-directory bench-micro

## Micro-benchmarks: claims/s over HTTP vs. a bare atomic-claim app and what one claim costs in-process, matching and the nearby list at city scale
## vs. a naive geopy loop (needs `make bench-data` first), the district dashboard and incremental tally (needs
## `make bench-hours-data` first), a notification to 10,000 people planned and the worker's cost per SMS send.
## BENCH_DATABASE_URL=postgresql://... measures the claims, the fan-out and the sends on PostgreSQL (its
## schema is dropped); BENCH_MATCHING_DATABASE_URL / BENCH_HOURS_DATABASE_URL put those datasets there instead of
## bench/out/*.db. Use different databases. A missing dataset skips its benchmark with a message. `make bench`
## runs these after the load run.
bench-micro: setup
	$(BIN)/python bench/claims_http.py $(if $(BENCH_DATABASE_URL),--database $(BENCH_DATABASE_URL))
	$(BIN)/python bench/claim_cost.py $(if $(BENCH_DATABASE_URL),--database $(BENCH_DATABASE_URL))
	-$(BIN)/python bench/matching_bench.py $(if $(BENCH_MATCHING_DATABASE_URL),--database $(BENCH_MATCHING_DATABASE_URL))
	-$(BIN)/python bench/hours_bench.py $(if $(BENCH_HOURS_DATABASE_URL),--database $(BENCH_HOURS_DATABASE_URL))
	$(BIN)/python bench/rota_bench.py
	$(BIN)/python bench/fanout.py $(if $(BENCH_DATABASE_URL),--database $(BENCH_DATABASE_URL))
	$(BIN)/python bench/sms_send.py $(if $(BENCH_DATABASE_URL),--database $(BENCH_DATABASE_URL))
	$(BIN)/python bench/callout_bench.py $(if $(BENCH_CALLOUT_DATABASE_URL),--database $(BENCH_CALLOUT_DATABASE_URL)) $(if $(BENCH_MATCHING_DATABASE_URL),--matching-database $(BENCH_MATCHING_DATABASE_URL))

## 1,000,000 volunteers and 100,000 open tasks over Shenzhen for the matching benchmark (about 30 s).
bench-data: setup
	$(BIN)/python bench/matching_data.py $(if $(BENCH_MATCHING_DATABASE_URL),--database $(BENCH_MATCHING_DATABASE_URL))

## 10,000,000 ledger entries over a year of a 10 x 5 x 10 organisation tree, then their tallies.
bench-hours-data: setup
	$(BIN)/python bench/hours_data.py $(if $(BENCH_HOURS_DATABASE_URL),--database $(BENCH_HOURS_DATABASE_URL))

clean:
	rm -rf $(VENV) instance .pytest_cache
