# The two commands of the README: `make demo` and `make test`. Both bootstrap their own venv.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
JOBS   ?= 4
# Scheduled jobs of the plan-time benchmark (make bench PLAN_JOBS="100 1000")
PLAN_JOBS ?= 100
STAMP  := $(VENV)/.installed

.PHONY: demo test lint fmt posture bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## demo: apply examples/complete into a fresh local account, fire every schedule, verify, destroy
demo: $(STAMP)
	$(BIN)/batch-harness e2e examples/complete

## test: the whole test suite (unit, plan, validation, posture, e2e)
test: $(STAMP)
	$(BIN)/pytest tests/ -n $(JOBS) --dist loadgroup --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks
	terraform fmt -check -recursive

fmt: $(STAMP)
	$(BIN)/ruff format scripts tests benchmarks
	$(BIN)/ruff check --fix scripts tests benchmarks
	terraform fmt -recursive

posture: $(STAMP)
	$(BIN)/batch-harness posture

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --plan-jobs $(PLAN_JOBS)

clean:
	rm -rf $(VENV) .batch-harness reports .pytest_cache
