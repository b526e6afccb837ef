"""An independent IAM evaluator to compare ``batch_harness.iam`` with: the npm package
``@cloud-copilot/iam-simulate``, pinned with its dependencies in ``oracle/package-lock.json``.

It is installed with ``npm ci`` into a cache folder named by the lock file's digest (the tests do
it on first use; ``make iam-oracle`` does it ahead of a test run). Run as a script: install and
print the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parent / "oracle"
FILES = ("package.json", "package-lock.json", "simulate.mjs")


class OracleUnavailable(RuntimeError):
    """node or npm is not installed: the comparison cannot run here."""


def cache_dir() -> Path:
    digest = hashlib.sha256(b"".join((SOURCE / name).read_bytes() for name in FILES)).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "batch-harness" / f"iam-oracle-{digest}"


def install() -> Path:
    """The installed oracle's folder; installs it on first use (``npm ci``, exact versions)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise OracleUnavailable("node and npm are needed to install @cloud-copilot/iam-simulate")
    target = cache_dir()
    if (target / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json").is_file():
        return target
    staging = target.with_name(f"{target.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in FILES:
        shutil.copy2(SOURCE / name, staging / name)
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=staging,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"npm ci of the IAM oracle failed ({result.returncode}):\n{result.stderr[-3000:]}")
    try:
        staging.rename(target)
    except OSError:  # another process installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


def simulate(simulations: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """One ``{"result": ...}`` or ``{"error": ...}`` per simulation, in order (one node process)."""
    folder = install()
    result = subprocess.run(
        ["node", str(folder / "simulate.mjs")],
        input=json.dumps(list(simulations)),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answers: list[dict[str, str]] = json.loads(result.stdout)
    return answers


if __name__ == "__main__":
    try:
        print(install())
    except OracleUnavailable as error:
        print(f"skipped: {error}", file=sys.stderr)
