"""Run the module's variable validations quickly.

Every variable validation of the root module reads only input variables and the pure locals in
locals.tf and validations.tf, so the repository's own copies of those files, put into a directory
with no provider and no resource, reject bad input exactly as the module does — in a fraction
of a second instead of the provider's start-up. (test_root_module.py checks the same messages
through the real module.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
# Every validations*.tf: the core rules and the message lists of optional features.
STUB_FILES = ("variables.tf", "locals.tf", *sorted(p.name for p in REPO_ROOT.glob("validations*.tf")))
# How Terraform reports the module's input rules: a `validation` block of a variable, or one of
# the message lists of validations.tf (preconditions of its output "input_errors").
VALIDATION_SUMMARIES = {"Invalid value for variable", "Module output value precondition failed"}


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    summary: str
    detail: str

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.detail.splitlines() if line.strip()]


class ValidationStub:
    """A provider-less copy of the root module's variables and locals, initialised once."""

    def __init__(self, workdir: Path, binary: str = "terraform") -> None:
        self.workdir = workdir
        self.binary = binary
        workdir.mkdir(parents=True, exist_ok=True)
        for name in STUB_FILES:
            shutil.copy2(REPO_ROOT / name, workdir / name)
        (workdir / "stub.tf").write_text('terraform {\n  required_version = ">= 1.9"\n}\n')
        self._run("init", "-input=false", "-no-color", "-backend=false")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0"}
        return subprocess.run(
            [self.binary, *args],
            cwd=self.workdir,
            capture_output=True,
            text=True,
            env={**_base_env(), **env},
            timeout=300,
            check=False,
        )

    def diagnostics(self, variables: dict[str, Any]) -> list[Diagnostic]:
        """Errors and warnings of ``terraform plan`` for these input variables."""
        with tempfile.NamedTemporaryFile("w", suffix=".tfvars.json", dir=self.workdir, delete=False) as handle:
            json.dump(variables, handle)
            var_file = Path(handle.name)
        try:
            result = self._run(
                "plan", "-input=false", "-lock=false", "-refresh=false", "-json", f"-var-file={var_file}"
            )
        finally:
            var_file.unlink()
        found = []
        for line in result.stdout.splitlines():
            message = json.loads(line)
            if message.get("type") == "diagnostic":
                d = message["diagnostic"]
                found.append(Diagnostic(d["severity"], d["summary"], d.get("detail", "")))
        if result.returncode != 0 and not any(d.severity == "error" for d in found):
            raise RuntimeError(f"terraform plan failed without diagnostics:\n{result.stderr}")
        return found

    def errors(self, variables: dict[str, Any]) -> list[Diagnostic]:
        return [d for d in self.diagnostics(variables) if d.severity == "error"]


def _base_env() -> dict[str, str]:
    # No CLI config: the stub needs no provider (and a dangling TF_CLI_CONFIG_FILE only warns).
    keep = ("PATH", "HOME", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}
