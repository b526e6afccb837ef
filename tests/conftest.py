"""Shared test configuration. Harness fixtures (local_account, applied, ...) come from the
batch_harness pytest plugin, registered through the package's pytest11 entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# The tests' local accounts simulate jobs unless a test asks for containers (tests/containers
# and the examples' e2e build the images they run); a machine's engine changes nothing else.
os.environ.setdefault("BATCH_HARNESS_JOB_RUNNER", "simulated")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


def _cost_class(item: pytest.Item) -> int:
    """A rough size of the unit of work a test belongs to (bigger = minutes, not seconds)."""
    group = item.get_closest_marker("xdist_group")
    if group is not None and group.args and group.args[0] == "posture-repo":
        return 4  # six directories planned and scanned by checkov: the longest single unit
    for rank, marker in ((3, "e2e"), (2, "posture"), (1, "plan")):
        if item.get_closest_marker(marker) is not None:
            return rank
    return 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest work first. Under `make test` (xdist, --no-loadscope-reorder) work is handed out in
    collection order, so a four-minute apply never starts last while the other workers sit idle;
    the many short tests fill the gaps at the end. The sort is stable: file order within a class."""
    items.sort(key=_cost_class, reverse=True)
