"""Terraform with ``TF_LOG=DEBUG`` writes megabytes to stderr (every provider request and
response): the run must still finish and pass, not block on a full pipe."""

from __future__ import annotations

import pytest

from .support import harness

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]


def test_e2e_with_terraform_debug_logging_finishes_and_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("TF_LOG", "DEBUG")
    result = harness("e2e", "examples/minimal", state_dir=tmp_path / "state", timeout=1100)
    output = result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, output
    assert "PASSED" in result.stdout, output
