"""benchmarks/profile_terraform.py: Go function names from a stripped Terraform, perf stacks."""

from __future__ import annotations

import importlib.util
import io
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


def is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(profile.ELF_MAGIC)) == profile.ELF_MAGIC


def test_function_names_come_from_the_go_function_table_of_a_stripped_binary(monkeypatch, capsys):
    binary = shutil.which("terraform")
    if binary is None or not is_elf(Path(binary)):
        pytest.skip("no terraform binary on PATH (not installed, or a version manager's shim)")
    functions = profile.GoFunctions(Path(binary))
    assert functions.entries == sorted(functions.entries)
    main = functions.entries[functions.names.index("main.main")]
    # Any address inside a function names it; the byte before its entry names its predecessor.
    assert functions.name(main) == functions.name(main + 1) == "main.main"
    assert functions.name(main - 1) != "main.main"
    assert "github.com/hashicorp/terraform/internal/terraform.(*Context).Plan" in functions.names
    assert functions.name(functions.end) == "?"  # past the last function (the vdso, say)

    # perf 6 prints a stripped binary's addresses relative to its first loaded segment.
    perf_output = f"terraform\n\t{main - functions.load_bias + 8:x} [unknown]\n\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(perf_output))
    assert profile.main(["--binary", binary]) == 0
    assert "100.0%  main.main" in capsys.readouterr().out


def test_a_script_in_place_of_the_binary_is_refused_with_a_clear_message(tmp_path, capsys):
    shim = tmp_path / "terraform"
    shim.write_text('#!/bin/sh\nexec /opt/terraform "$@"\n')
    with pytest.raises(SystemExit) as exit_info:
        profile.main(["--binary", str(shim)])
    assert exit_info.value.code == 2
    assert f"{shim}: not an ELF binary (a version manager's shim?): pass --binary" in capsys.readouterr().err
