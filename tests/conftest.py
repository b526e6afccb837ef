"""Shared test configuration. Harness fixtures (local_account, applied, ...) come from the
batch_harness pytest plugin, registered through the package's pytest11 entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
