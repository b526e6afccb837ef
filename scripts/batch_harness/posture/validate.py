"""``python -m batch_harness.posture.validate [DIR ...]``: offline ``terraform validate``.

The pre-commit hook for validation. Each directory (default: the root module and every
example) is validated in a scratch copy, so no ``.terraform`` folder or lock file lands in
the working tree, with providers from the local mirror when there is one.
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from batch_harness.terraform.runner import TerraformError, TerraformRunner, copy_config

from .runner import default_directories


def validate(directory: Path, scratch: Path) -> str | None:
    """None when valid, else the diagnostics."""
    copy = copy_config(directory, scratch)
    try:
        TerraformRunner(copy, scratch=True).validate()
    except TerraformError as error:
        return "\n".join(error.diagnostics)
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dirs = [Path(a) for a in args] or default_directories()
    failed = 0
    with (
        tempfile.TemporaryDirectory(prefix="batch-harness-validate-") as tmp,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        outcomes = list(pool.map(lambda i_d: validate(i_d[1], Path(tmp) / str(i_d[0])), enumerate(dirs)))
    for directory, problem in zip(dirs, outcomes, strict=True):
        if problem:
            failed += 1
            print(f"terraform validate {directory}: FAILED\n{problem}\n")
        else:
            print(f"terraform validate {directory}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
