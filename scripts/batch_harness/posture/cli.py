"""``batch-harness posture [DIR ...]``: the security posture gate."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .catalog import POLICY_DIR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "posture",
        help="checkov (offline) + custom policies on the HCL and plan of each directory",
        description=(
            "Scan Terraform directories with checkov, offline, together with the project's custom "
            "policies (CKV_SBATCH_*), on the HCL and on an offline plan whose 'known after apply' "
            "values are resolved. Exits 1 on any failed check, any custom check that did not "
            "evaluate, or a setup error. Default: the repository root module and every examples/* dir."
        ),
    )
    parser.add_argument("directories", nargs="*", type=Path, metavar="DIR", help="Terraform root directories")
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=Path("reports/posture"),
        help="where posture.junit.xml, posture.sarif and per-directory plan/checkov JSON go (default: %(default)s)",
    )
    parser.add_argument("--no-plan", action="store_true", help="scan the HCL only (no terraform needed)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="directories scanned in parallel (default: %(default)s)",
    )
    parser.add_argument("--var-file", action="append", type=Path, default=[], help="tfvars for plan and HCL scan")
    parser.add_argument("--show-passed", action="store_true", help="list passed checks too")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch copies (debugging)")
    parser.add_argument("--policies-dir", type=Path, default=POLICY_DIR, help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .report import render
    from .runner import run_posture

    for directory in args.directories:
        if not directory.is_dir():
            raise SystemExit(f"posture: {directory} is not a directory")
    result = run_posture(
        args.directories or None,
        output_dir=args.output_dir,
        with_plan=not args.no_plan,
        jobs=args.jobs,
        policies_dir=args.policies_dir,
        var_files=args.var_file,
        keep_work=args.keep_work,
    )
    render(result, show_passed=args.show_passed)
    return result.exit_code
