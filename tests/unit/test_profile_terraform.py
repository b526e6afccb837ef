"""benchmarks/profile_terraform.py: Go function names from a stripped Terraform, perf stacks."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "profile_terraform.py"
spec = importlib.util.spec_from_file_location("profile_terraform", SCRIPT)
assert spec and spec.loader
profile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(profile)

PERF_SCRIPT = """\
terraform
\t          4a63b7 [unknown]
\tffffffff81000c82 asm_exc_page_fault

terraform-provi
\t          10a0b0 [unknown]

terraform
\t          4a5cf9 [unknown]
"""


def test_stacks_are_read_per_sample_for_the_terraform_process_only():
    assert list(profile.stacks(PERF_SCRIPT.splitlines(keepends=True))) == [
        [0x4A63B7, 0xFFFFFFFF81000C82],
        [0x4A5CF9],
    ]


def test_function_names_come_from_the_go_function_table_of_a_stripped_binary():
    binary = shutil.which("terraform")
    if binary is None:
        pytest.skip("terraform is not installed")
    functions = profile.GoFunctions(Path(binary))
    assert functions.entries == sorted(functions.entries)
    main = functions.entries[functions.names.index("main.main")]
    # Any address inside a function names it; the byte before its entry names its predecessor.
    assert functions.name(main) == functions.name(main + 1) == "main.main"
    assert functions.name(main - 1) != "main.main"
    assert "github.com/hashicorp/terraform/internal/terraform.(*Context).Plan" in functions.names
