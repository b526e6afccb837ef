"""Helpers of the end-to-end tests (each test gets its own fresh local account)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def example_dirs() -> list[str]:
    """Every runnable example (``examples/_*`` are shared building blocks, not examples)."""
    root = REPO / "examples"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_") and any(p.glob("*.tf")))


def harness(*args: str, state_dir: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run the `batch-harness` CLI as a user would (its own process), from the repository root."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "batch_harness.cli", *args, "--state-dir", str(state_dir)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention ``text`` (e.g. a state folder)."""
    found: list[str] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if text in cmdline or cwd.startswith(text):
            found.append(f"{entry.name}: {cmdline.strip()}")
    return found
