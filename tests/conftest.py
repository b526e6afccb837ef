"""Shared test configuration. Harness fixtures (local_account, applied, ...) come from the
batch_harness pytest plugin, registered through the package's pytest11 entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import durations
from batch_harness.emulator import factory

REPO_ROOT = Path(__file__).resolve().parent.parent

# The tests' local accounts simulate jobs unless a test asks for containers (tests/containers
# and the examples' e2e build the images they run); a machine's engine changes nothing else.
os.environ.setdefault("BATCH_HARNESS_JOB_RUNNER", "simulated")
# Workers start dozens of accounts side by side: each is forked from one warm factory per worker
# (tests/emulator/test_factory.py covers it; the CLI tests' own processes start them directly).
factory.enable()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        action="store_true",
        default=False,
        help="write each test's seconds to tests/durations.json (the order of later runs)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Only the controller records: under xdist it receives every worker's reports.
    if config.getoption("--record-durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(durations.Recorder(), "duration-recorder")


# Fixtures that start a local account (a moto server) or need the container engine: the tests
# using them, directly or through other fixtures, are marked `emulator` (not in the fast lane).
EMULATOR_FIXTURES = frozenset(
    {"account", "local_account", "applied", "shared_e2e"}  # the harness's and tests/emulator's
    | {"container_account", "job_image"}  # tests/containers
    | {"events_client", "scheduler"}  # monitoring event patterns, the dynamic-schedules client
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest units of work first, by the durations the suite recorded (see durations.py).
    Under `make test` (xdist, --no-loadscope-reorder) work is handed out in this order."""
    for item in items:
        if EMULATOR_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.emulator)
    durations.longest_first(items, durations.load())
