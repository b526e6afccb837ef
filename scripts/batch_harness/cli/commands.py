"""The harness subcommands: ``e2e``, ``up``, ``smoke``, ``down``, ``janitor`` (see docs/harness.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

DEFAULT_CONFIG = "examples/complete"

if TYPE_CHECKING:  # the CLI imports the run machinery only when a command runs
    from batch_harness.run.e2e import RunOptions


def _account_options(parser: argparse.ArgumentParser, *, with_account: bool = True) -> None:
    if with_account:
        parser.add_argument(
            "--account",
            choices=("local", "aws"),
            default="local",
            help="local: a fresh moto server on loopback (default); aws: a real (sandbox) account",
        )
    aws = parser.add_argument_group("real account (--account aws)")
    aws.add_argument("--profile", help="AWS profile to use (default: the SDK's default chain)")
    aws.add_argument("--role-arn", help="role to assume for the run (sts:AssumeRole)")
    aws.add_argument("--region", help="region of the run (default: the profile's)")
    # Hidden: the tests drive the real-account code path against a local endpoint.
    aws.add_argument("--endpoint-url", help=argparse.SUPPRESS)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--var-file", action="append", default=[], type=Path, metavar="F", help="a .tfvars file (repeatable)"
    )
    images = parser.add_argument_group("job containers (local account with a container engine)")
    images.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="JOB=IMAGE",
        help="run JOB (a key of `jobs`, a job definition name, or * for every job) on this local image "
        "instead of its definition's image (repeatable); an image present under the definition's exact name "
        "needs none",
    )
    images.add_argument(
        "--build-images",
        action="store_true",
        help="build DIR/image/Dockerfile (FROM scratch + the static /bin/busybox, offline) and run every job "
        "without an --image on it",
    )
    _common(parser)


def _terraform_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--terraform-timeout",
        type=float,
        default=1200.0,
        metavar="S",
        help="interrupt a Terraform command running longer than S seconds (default 1200)",
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for jobs (default 900)")
    parser.add_argument("--json", type=Path, dest="json_report", metavar="FILE", help="also write the report as JSON")
    parser.add_argument(
        "--state-dir", type=Path, help="where the state folder lives (default ./.batch-harness, or $BATCH_HARNESS_HOME)"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    e2e = subparsers.add_parser(
        "e2e",
        help="apply DIR into an ephemeral account, fire every schedule, wait, destroy, prove nothing is left",
        description=(
            "Start an ephemeral account, init + apply DIR, check a second plan is empty, fire every schedule, "
            "wait for every job and pipeline, destroy, prove nothing is left, stop the account. "
            "Exit 0 only if every job SUCCEEDED and nothing leaked."
        ),
    )
    e2e.add_argument(
        "dir", nargs="?", default=DEFAULT_CONFIG, type=Path, help=f"root config (default {DEFAULT_CONFIG})"
    )
    _account_options(e2e)
    _run_options(e2e)
    e2e.add_argument("--keep", action="store_true", help="keep the account and state (then use smoke / down)")
    _terraform_timeout(e2e)
    e2e.set_defaults(func=cmd_e2e)

    up = subparsers.add_parser("up", help="start an account and apply DIR; state kept in .batch-harness/")
    up.add_argument("dir", nargs="?", default=DEFAULT_CONFIG, type=Path, help=f"root config (default {DEFAULT_CONFIG})")
    _account_options(up)
    _run_options(up)
    _terraform_timeout(up)
    up.set_defaults(func=cmd_up)

    smoke = subparsers.add_parser("smoke", help="fire every schedule of the `up` session and wait for the jobs")
    _common(smoke)
    smoke.set_defaults(func=cmd_smoke)

    down = subparsers.add_parser("down", help="destroy the `up` session, prove nothing is left, stop the account")
    down.add_argument(
        "--discard", action="store_true", help="local account: stop the emulator without terraform destroy"
    )
    _common(down)
    _terraform_timeout(down)
    down.set_defaults(func=cmd_down)

    janitor = subparsers.add_parser("janitor", help="remove everything tagged with (or named after) a run id")
    janitor.add_argument("--run-id", required=True, help="the run id (printed by every run, e.g. bh1a2b3c)")
    janitor.add_argument("--dry-run", action="store_true", help="list what would be removed")
    _account_options(janitor, with_account=False)
    janitor.set_defaults(func=cmd_janitor)


def _options(args: argparse.Namespace) -> RunOptions:
    from batch_harness.run.e2e import RunOptions

    return RunOptions(
        config_dir=getattr(args, "dir", Path(DEFAULT_CONFIG)),
        account=getattr(args, "account", "local"),
        var_files=list(getattr(args, "var_file", [])),
        keep=getattr(args, "keep", False),
        state_dir=args.state_dir,
        profile=getattr(args, "profile", None),
        role_arn=getattr(args, "role_arn", None),
        region=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        timeout=args.timeout,
        json_report=args.json_report,
        terraform_timeout=getattr(args, "terraform_timeout", 1200.0),
        images=_images(getattr(args, "image", [])),
        build_images=getattr(args, "build_images", False),
    )


def _images(values: list[str]) -> dict[str, str]:
    from batch_harness.run.image_map import ImageMapError, parse

    try:
        return parse(values)
    except ImageMapError as error:  # a bad argument: exit 2, like argparse
        Console(stderr=True).print(f"[red]batch-harness: {error}[/red]")
        raise SystemExit(2) from error


def _check_dir(args: argparse.Namespace) -> int | None:
    if not Path(args.dir).is_dir():
        Console(stderr=True).print(f"[red]{args.dir} is not a directory[/red]")
        return 2
    return None


def cmd_e2e(args: argparse.Namespace) -> int:
    from batch_harness.run.e2e import run_e2e

    return _check_dir(args) or run_e2e(_options(args)).exit_code


def cmd_up(args: argparse.Namespace) -> int:
    from batch_harness.run.e2e import run_up

    return _check_dir(args) or run_up(_options(args)).exit_code


def cmd_smoke(args: argparse.Namespace) -> int:
    from batch_harness.run.e2e import run_smoke

    return run_smoke(_options(args)).exit_code


def cmd_down(args: argparse.Namespace) -> int:
    from batch_harness.run.e2e import run_down

    return run_down(_options(args), discard=args.discard).exit_code


def cmd_janitor(args: argparse.Namespace) -> int:
    from batch_harness.accounts.aws import AwsAccount
    from batch_harness.cleanup.janitor import Janitor

    console = Console(highlight=False)
    account = AwsAccount.open(
        args.run_id, profile=args.profile, role_arn=args.role_arn, region=args.region, endpoint_url=args.endpoint_url
    )
    janitor = Janitor(account.client, log=lambda m: console.print(m))
    result = janitor.clean(args.run_id, dry_run=args.dry_run)
    if args.dry_run:
        for line in result.skipped:
            console.print(f"would remove {line}")
        console.print(f"{len(result.skipped)} resource(s) of run {args.run_id}")
        return 0
    for line in result.failed:
        console.print(f"[red]could not remove[/red] {line}")
    console.print(f"removed {len(result.removed)}, failed {len(result.failed)} (run {args.run_id})")
    return 0 if result.ok else 1
