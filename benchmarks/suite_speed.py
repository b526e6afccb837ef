"""How long a contributor waits: the test suite, the fast lane and one apply/destroy cycle, on a
baseline commit and on the working tree, measured side by side in one run.

    .venv/bin/python benchmarks/suite_speed.py                      # everything (~35 min on 2 cores)
    .venv/bin/python benchmarks/suite_speed.py --skip-suite         # fast lane + apply/destroy only
    .venv/bin/python benchmarks/suite_speed.py --baseline <commit>  # compare with another commit

The baseline is checked out into a temporary git worktree and run with this venv (its own
scripts/ first on PYTHONPATH), so both trees use the same Python packages, Terraform and provider.
Wall time is what a person waits; CPU time (user + sys of every child process) is what the
2 cores had to do, and is much less sensitive to a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
# The last commit before the suite was reorganised for fast feedback (shared stacks, one posture
# scan, policy unit tests, duration ordering, the fast lane): the "before" of every figure.
BASELINE = "ff7fbfd"
# The fast lane's selection is the Makefile's FAST_LANE marker expression (`make bench` passes
# it); the same expression selects the baseline's tests, so both figures cover the same kind of work.
SUITE_ARGS = ("--dist", "loadgroup", "--no-loadscope-reorder")


@dataclass
class Measure:
    wall: float
    cpu: float
    passed: bool


@contextmanager
def baseline_tree(commit: str) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    tree = root / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit], check=True)
    try:
        yield tree
    finally:  # also on Ctrl-C: no worktree left registered
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(root, ignore_errors=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(tree: Path, argv: Sequence[str], log: Path) -> Measure:
    env = {**os.environ, "PYTHONPATH": str(tree / "scripts")}
    cpu, start = _children_cpu(), time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(argv, cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    return Measure(time.perf_counter() - start, _children_cpu() - cpu, result.returncode == 0)


def pytest_argv(workers: int, *extra: str) -> list[str]:
    return [str(PYTHON), "-m", "pytest", "tests/", "-q", "-p", "no:cacheprovider", "-n", str(workers), *extra]


def apply_destroy(tree: Path, log_dir: Path, label: str) -> dict[str, float]:
    """Seconds of the apply and destroy steps of one e2e of examples/complete (simulated jobs);
    NaN for a step that did not finish."""
    report = log_dir / f"e2e-{label}.json"
    argv = [str(PYTHON), "-m", "batch_harness.cli", "e2e", "examples/complete", "--json", str(report)]
    env_runner = os.environ.get("BATCH_HARNESS_JOB_RUNNER")
    os.environ["BATCH_HARNESS_JOB_RUNNER"] = "simulated"  # the terraform cycle, not the jobs
    try:
        measure(tree, argv, log_dir / f"e2e-{label}.log")
    finally:
        if env_runner is None:
            os.environ.pop("BATCH_HARNESS_JOB_RUNNER")
        else:
            os.environ["BATCH_HARNESS_JOB_RUNNER"] = env_runner
    steps = {s["name"]: s["seconds"] for s in json.loads(report.read_text())["steps"]} if report.is_file() else {}
    return {step: float(steps.get(step, "nan")) for step in ("apply", "destroy")}


def _ratio(before: float, after: float) -> str:
    return f"{before / after:.2f}x" if after else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"commit to compare with (default {BASELINE})")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("JOBS", "4")))
    parser.add_argument("--fast-lane", required=True, help="marker expression of the fast lane (-m)")
    parser.add_argument("--skip-suite", action="store_true", help="leave out the two full-suite runs (~25 min)")
    args = parser.parse_args()
    console = Console()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    rows: list[tuple[str, str, str, str]] = []
    with baseline_tree(args.baseline) as before_tree:
        trees = {"before": before_tree, "after": REPO}
        # Each measure runs on both trees back to back, so a slow drift of the machine hits both.
        ad = {label: apply_destroy(tree, log_dir, label) for label, tree in trees.items()}
        for step in ("apply", "destroy"):
            b, a = ad["before"][step], ad["after"][step]
            rows.append((f"examples/complete {step} (wall)", f"{b:.0f} s", f"{a:.0f} s", _ratio(b, a)))
        lanes = [("fast lane", pytest_argv(2, "-m", args.fast_lane, *SUITE_ARGS))]
        if not args.skip_suite:
            lanes.append(("full suite", pytest_argv(args.workers, *SUITE_ARGS)))
        for name, argv in lanes:
            got = {label: measure(tree, argv, log_dir / f"{name}-{label}.log") for label, tree in trees.items()}
            b, a = got["before"], got["after"]
            note = "" if b.passed and a.passed else " (a run failed: see logs)"
            rows.append((f"{name} (wall){note}", f"{b.wall:.0f} s", f"{a.wall:.0f} s", _ratio(b.wall, a.wall)))
            rows.append((f"{name} (CPU)", f"{b.cpu:.0f} s", f"{a.cpu:.0f} s", _ratio(b.cpu, a.cpu)))
    table = Table(title=f"suite speed: {args.baseline} (before) vs working tree (after); logs in {log_dir}")
    for column in ("measure", "before", "after", "before / after"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
