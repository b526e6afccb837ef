"""Dynamic schedules at scale: the client against Terraform, side by side.

    .venv/bin/python benchmarks/dynamic_schedules.py     # 10,000 via the client; Terraform at 100, 500, 2,000
    .venv/bin/python benchmarks/dynamic_schedules.py --schedules 1000 --terraform-sizes 50

Client: create, list (by owner, read back in full) and delete N schedules in a fresh local account,
as 100 owners. Every create also runs the client's per-owner quota check (one ListSchedules with a
name prefix), as in production. Terraform: plan + apply of a generated config holding N
``aws_scheduler_schedule`` resources (same target shape) into a fresh local account, then the
plan every later change needs (it refreshes all N), at sizes where that is practical; the table
extrapolates linearly to N (optimistic: Terraform's graph work grows faster than linearly).

Memory: peak RSS of this process (the client side) and of the emulator server. Figures go to
reports/bench-dynamic-schedules.json. Not part of `pytest tests/`: timings are noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from batch_harness.dynamic_schedules import DynamicScheduleClient, DynamicScheduleConfig
from batch_harness.emulator import LocalAccount
from batch_harness.terraform.runner import TerraformRunner

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
GROUP = "bench-dynamic"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bench-report-dyn"
QUEUE = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/bench-default"
DEFINITION = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/bench-report"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:bench-schedule-dlq"
OWNERS = 100


def config(max_per_user: int) -> DynamicScheduleConfig:
    return DynamicScheduleConfig.from_outputs(
        {
            "dynamic_schedule_group_name": GROUP,
            "dynamic_schedule_targets": {
                "report": {
                    "target_arn": "arn:aws:scheduler:::aws-sdk:batch:submitJob",
                    "role_arn": ROLE,
                    "dead_letter_queue_arn": DLQ,
                    "retry_policy": {"maximum_retry_attempts": 3, "maximum_event_age_in_seconds": 3600},
                    "input_template": {"JobQueue": QUEUE, "JobDefinition": DEFINITION},
                    "parameters": {"format": "pdf"},
                    "max_per_user": max_per_user,
                }
            },
        }
    )


def peak_rss_mib(pid: int | None = None) -> float:
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client_run(n: int) -> dict[str, Any]:
    per_owner = -(-n // OWNERS)
    owners = [f"user{o:03d}" for o in range(OWNERS)]
    result: dict[str, Any] = {"schedules": n}
    with LocalAccount.start(batch_docker="off", prewarm=False) as account:
        scheduler = DynamicScheduleClient.boto3_client(
            endpoint_url=account.endpoint,
            region_name=account.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        scheduler.create_schedule_group(Name=GROUP)
        client = DynamicScheduleClient(config(per_owner), scheduler)
        work = [(owners[i % OWNERS], f"s{i // OWNERS:05d}") for i in range(n)]

        started = time.perf_counter()
        for i, (owner, name) in enumerate(work):
            client.create(
                owner, name, "report", "cron(0 8 ? * MON *)", timezone="Europe/Berlin", parameters={"format": "csv"}
            )
            if (i + 1) % 1000 == 0:
                print(f"  created {i + 1}/{n} ({time.perf_counter() - started:.0f}s)", flush=True)
        result["create_s"] = time.perf_counter() - started

        started = time.perf_counter()
        listed = sum(len(client.list(owner=owner)) for owner in owners)
        result["list_s"] = time.perf_counter() - started
        assert listed == n, f"listed {listed} of {n}"

        started = time.perf_counter()
        for owner, name in work:
            client.delete(owner, name)
        result["delete_s"] = time.perf_counter() - started
        assert next(client.names(), None) is None, "schedules left after deleting"
        result["client_peak_rss_mib"] = peak_rss_mib()
        result["emulator_peak_rss_mib"] = peak_rss_mib(account.pid)
    return result


TF_SCHEDULE = """
resource "aws_scheduler_schedule" "s{i}" {{
  name                         = "user{owner:03d}_s{i:05d}"
  group_name                   = aws_scheduler_schedule_group.bench.name
  schedule_expression          = "cron(0 8 ? * MON *)"
  schedule_expression_timezone = "Europe/Berlin"
  flexible_time_window {{
    mode = "OFF"
  }}
  target {{
    arn      = "arn:aws:scheduler:::aws-sdk:batch:submitJob"
    role_arn = "{role}"
    input = jsonencode({{
      JobName = "user{owner:03d}_s{i:05d}", JobQueue = "{queue}", JobDefinition = "{definition}",
      Parameters = {{ format = "csv" }}
    }})
    retry_policy {{
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }}
    dead_letter_config {{
      arn = "{dlq}"
    }}
  }}
}}
"""


def terraform_config(n: int, root: Path) -> None:
    head = (
        "terraform {\n  required_providers {\n"
        '    aws = { source = "hashicorp/aws", version = ">= 5.60, < 6.0" }\n  }\n}\n'
        f'provider "aws" {{\n  region = "{REGION}"\n}}\n'
        f'resource "aws_scheduler_schedule_group" "bench" {{\n  name = "{GROUP}"\n}}\n'
    )
    body = "".join(
        TF_SCHEDULE.format(i=i, owner=i % OWNERS, role=ROLE, queue=QUEUE, definition=DEFINITION, dlq=DLQ)
        for i in range(n)
    )
    (root / "main.tf").write_text(head + body)


def terraform_run(n: int) -> dict[str, Any]:
    result: dict[str, Any] = {"schedules": n}
    with tempfile.TemporaryDirectory() as tmp, LocalAccount.start(batch_docker="off", prewarm=False) as account:
        root = Path(tmp)
        terraform_config(n, root)
        account.write_provider_override(root)
        runner = TerraformRunner(root, env=account.full_env(), scratch=True)
        runner.init()
        started = time.perf_counter()
        runner.plan()
        result["plan_s"] = time.perf_counter() - started
        started = time.perf_counter()
        runner.apply()
        result["apply_s"] = time.perf_counter() - started
        # What every later change costs (one user adds or removes one schedule): a plan that
        # refreshes all N schedules from the API.
        started = time.perf_counter()
        runner.plan()
        result["replan_s"] = time.perf_counter() - started
        result["emulator_peak_rss_mib"] = peak_rss_mib(account.pid)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--terraform-sizes", default="100,500,2000", help="comma-separated; empty to skip")
    parser.add_argument("--no-client", action="store_true", help="only the Terraform side")
    parser.add_argument("--output", type=Path, default=REPO / "reports" / "bench-dynamic-schedules.json")
    args = parser.parse_args()
    n = args.schedules

    client: dict[str, Any] = {}
    if not args.no_client:
        print(f"client: {n} schedules", flush=True)
        client = client_run(n)
    terraform: list[dict[str, Any]] = []
    for size in [int(s) for s in args.terraform_sizes.split(",") if s.strip()]:
        print(f"terraform: {size} schedules", flush=True)
        terraform.append(terraform_run(size))

    table = Table(title=f"{n:,} dynamic schedules: client vs Terraform (local emulator account)")
    for column in ("how", "operation", "schedules", "seconds", "schedules/s", f"time for {n:,}"):
        table.add_column(column, justify="left" if column in ("how", "operation") else "right")
    for op in ("create", "list", "delete") if client else ():
        seconds = client[f"{op}_s"]
        table.add_row("client", op, f"{n:,}", f"{seconds:.1f}", f"{n / seconds:.0f}", f"{seconds:.0f} s")
    for run in terraform:
        for op in ("plan", "apply", "replan"):
            seconds = run[f"{op}_s"]
            rate = run["schedules"] / seconds
            table.add_row(
                "terraform", op, f"{run['schedules']:,}", f"{seconds:.1f}", f"{rate:.1f}", f"~{n / rate:.0f} s (linear)"
            )
    console = Console()
    console.print(table)
    console.print(
        (
            f"peak RSS: client process {client['client_peak_rss_mib']:.0f} MiB, "
            f"emulator {client['emulator_peak_rss_mib']:.0f} MiB"
            if client
            else "peak RSS"
        )
        + "".join(
            f"; terraform run at {r['schedules']}: emulator {r['emulator_peak_rss_mib']:.0f} MiB" for r in terraform
        )
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"client": client, "terraform": terraform}, indent=2))


if __name__ == "__main__":
    main()
