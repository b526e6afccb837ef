"""`batch-harness` command line: a thin dispatcher over the feature modules.

Each feature module exposes ``register(subparsers)``; it adds its subcommands and sets
``func`` (returning the process exit code) as the parser default.
"""

from __future__ import annotations

import argparse
import importlib

FEATURE_MODULES = (
    "batch_harness.cli.commands",  # e2e, up, smoke, down, janitor
    "batch_harness.posture.cli",  # posture
    "batch_harness.cron.cli",  # import-crontab, schedules
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="batch-harness",
        description="Plan, apply, fire and verify scheduled AWS Batch jobs in an ephemeral account.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in FEATURE_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
