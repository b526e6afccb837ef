"""Side-by-side benchmarks; ratios are measured in one run, alternating the contenders.

    .venv/bin/python benchmarks/run.py                  # permission checks; plan of 100 jobs vs flat (a minute)
    .venv/bin/python benchmarks/run.py --plan-jobs 1000 # 1,000 jobs: long; see README, "plan-time benchmark"
    .venv/bin/python benchmarks/run.py --full           # + discarding an account vs terraform destroy (minutes)
    .venv/bin/python benchmarks/run.py --containers     # + e2e of examples/complete: container vs simulated runner

Not part of `pytest tests/`: timings on shared 2-core machines are noisy, so nothing asserts them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from plan_scale import compare as compare_plans
from plan_scale import ratio_bound
from rich.console import Console
from rich.table import Table

from batch_harness.emulator import LocalAccount
from batch_harness.emulator.containers.mode import RUNNER_ENV
from batch_harness.emulator.docker_probe import docker_engine_answers
from batch_harness.iam import Request, evaluate
from batch_harness.run.e2e import RunOptions, run_e2e
from batch_harness.terraform.runner import TerraformRunner, copy_config, plugin_cache_env

REPO = Path(__file__).resolve().parent.parent
QUEUE = "arn:aws:batch:us-east-1:123456789012:job-queue/bench"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [QUEUE]}],
}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(rounds: int, **contenders: Callable[[], object]) -> dict[str, list[float]]:
    """Run the contenders in turn, ``rounds`` times, so machine noise hits them alike."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            samples[name].append(timed(fn))
    return samples


def permission_checks(account: LocalAccount, rounds: int) -> dict[str, list[float]]:
    iam = account.client("iam")
    iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    iam.put_role_policy(RoleName="bench", PolicyName="submit", PolicyDocument=json.dumps(POLICY))
    role_arn = iam.get_role(RoleName="bench")["Role"]["Arn"]
    request = Request(action="batch:SubmitJob", resource=QUEUE)
    return alternate(
        rounds,
        **{
            "local evaluator (batch_harness.iam)": lambda: evaluate(request, [POLICY]),
            "iam:SimulatePrincipalPolicy over HTTP": lambda: iam.simulate_principal_policy(
                PolicySourceArn=role_arn, ActionNames=["batch:SubmitJob"], ResourceArns=[QUEUE]
            ),
        },
    )


def discard_vs_destroy(example: str) -> dict[str, list[float]]:
    """Apply the same example into two fresh accounts; destroy one, discard the other."""
    samples: dict[str, list[float]] = {"terraform destroy": [], "discard the account": []}
    for name in samples:
        with tempfile.TemporaryDirectory() as tmp, LocalAccount.start() as account:
            root = copy_config(REPO / "examples" / example, tmp)
            account.write_provider_override(root)
            runner = TerraformRunner(root, env=account.full_env(), scratch=True)
            runner.apply()
            if name == "terraform destroy":
                samples[name].append(timed(runner.destroy))
            else:
                samples[name].append(timed(account.stop))
    return samples


def container_vs_simulated(example: str, rounds: int) -> dict[str, list[float]]:
    """The whole e2e of one example, jobs simulated vs run as containers, alternating."""
    if not docker_engine_answers():
        subprocess.run([str(REPO / "scripts" / "engine.sh")], check=False)
    if not docker_engine_answers():
        raise SystemExit("--containers: no container engine answers and none could be started (make engine)")
    samples: dict[str, list[float]] = {"e2e, simulated runner": [], "e2e, container runner": []}
    for _ in range(rounds):
        for name in samples:
            runner = "container" if "container" in name else "simulated"
            os.environ[RUNNER_ENV] = runner
            with tempfile.TemporaryDirectory() as tmp:
                options = RunOptions(
                    config_dir=REPO / "examples" / example, state_dir=Path(tmp), build_images=runner == "container"
                )
                started = time.perf_counter()
                report = run_e2e(options, console=Console(file=io.StringIO(), width=200))
                elapsed = time.perf_counter() - started
            if not report.ok or not report.job_runner.startswith(runner):
                raise SystemExit(
                    f"{name}: the run failed ({report.job_runner}): {report.errors or report.job_failures}"
                )
            samples[name].append(elapsed)
    os.environ.pop(RUNNER_ENV, None)
    return samples


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--full", action="store_true", help="also apply examples/minimal twice (~5 min)")
    parser.add_argument(
        "--containers", action="store_true", help="also e2e examples/complete with each job runner (~10 min)"
    )
    parser.add_argument("--e2e-rounds", type=int, default=1, help="rounds of --containers (default 1)")
    parser.add_argument(
        "--plan-jobs",
        type=int,
        nargs="*",
        default=[100],
        metavar="N",
        help="plan the module with N scheduled jobs and a flat config of the same resources (default 100; 0 skips)",
    )
    args = parser.parse_args()

    results: list[tuple[str, dict[str, list[float]]]] = []
    with LocalAccount.start() as account:
        results.append(("permission check, one SubmitJob question", permission_checks(account, args.rounds)))
    if args.full:
        results.append(("removing an applied examples/minimal", discard_vs_destroy("minimal")))
    if args.containers:
        results.append(("e2e of examples/complete", container_vs_simulated("complete", args.e2e_rounds)))

    plan_env = plugin_cache_env()
    plans = [(n, compare_plans(n, plan_env)) for n in args.plan_jobs if n > 0]

    table = Table(title="batch-harness benchmarks (medians; ratio vs the first row of each group)")
    for column in ("benchmark", "contender", "n", "median", "ratio"):
        table.add_column(column, justify="right" if column in {"n", "median", "ratio"} else "left")
    for title, samples in results:
        baseline = statistics.median(next(iter(samples.values())))
        for contender, values in samples.items():
            median = statistics.median(values)
            table.add_row(title, contender, str(len(values)), _duration(median), f"{median / baseline:.1f}x")
            title = ""
    Console().print(table)
    if plans:
        plan_table = Table(title="plan time per planned resource: the module vs a flat config (ratios vs flat)")
        columns = (
            "jobs",
            "config",
            "resources",
            "plan",
            "per resource",
            "ratio",
            "CPU",
            "CPU per resource",
            "CPU ratio",
        )

        for column in columns:
            plan_table.add_column(column, justify="left" if column == "config" else "right")
        for n, timings in plans:
            flat, flat_cpu = timings["flat"].per_resource_ms, timings["flat"].cpu_per_resource_ms
            for name, timing in timings.items():
                bound = ratio_bound(timing, timings["flat"])
                plan_table.add_row(
                    str(n),
                    f"{name} (did not finish: {timing.failure}; times so far)" if timing.failure else name,
                    str(timing.resources),
                    f"{timing.seconds:.1f} s",
                    f"{timing.per_resource_ms:.1f} ms",
                    f"{bound}{timing.per_resource_ms / flat:.2f}x",
                    f"{timing.cpu_seconds:.1f} s",
                    f"{timing.cpu_per_resource_ms:.1f} ms",
                    f"{bound}{timing.cpu_per_resource_ms / flat_cpu:.2f}x",
                )
        Console().print(plan_table)


if __name__ == "__main__":
    main()
