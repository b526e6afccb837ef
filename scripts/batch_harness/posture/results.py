"""What the posture gate decided: checkov records, merged findings, per-directory and overall results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import is_custom
from .planning import PlanOutcome

# Custom policies explain an UNKNOWN with a detail "sbatch-unknown:<kind>: <why>".
DETAIL_PREFIX = "sbatch-unknown:"


@dataclass
class Evaluation:
    """One checkov record, from one scan."""

    mode: str  # "hcl" | "plan"
    result: str  # PASSED | FAILED | SKIPPED | UNKNOWN
    details: list[str]
    file: str
    lines: tuple[int, int]
    suppress_comment: str | None = None

    @property
    def unknown_kinds(self) -> list[tuple[str, str]]:
        kinds = []
        for detail in self.details:
            if detail.startswith(DETAIL_PREFIX):
                kind, _, why = detail.removeprefix(DETAIL_PREFIX).partition(": ")
                kinds.append((kind, why))
        return kinds


@dataclass
class Finding:
    """The merged outcome of one check on one resource."""

    check_id: str
    check_name: str
    resource: str
    block_type: str
    status: str  # PASSED | FAILED | SKIPPED | NOT_EVALUATED | NOT_APPLICABLE
    file: str
    lines: tuple[int, int]
    guideline: str | None
    details: list[str] = field(default_factory=list)
    suppress_comment: str | None = None
    modes: dict[str, str] = field(default_factory=dict)

    @property
    def custom(self) -> bool:
        return is_custom(self.check_id)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.lines[0]}" if self.lines[0] else self.file


@dataclass
class DirectoryResult:
    directory: Path
    name: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    plan: PlanOutcome | None = None
    checkov_version: str = ""
    seconds: float = 0.0
    checkov_seconds: float = 0.0
    resources: int = 0

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "FAILED"]

    @property
    def gaps(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "NOT_EVALUATED"]

    @property
    def skipped(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "SKIPPED"]

    @property
    def passed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "PASSED"]

    @property
    def ok(self) -> bool:
        return not (self.failed or self.gaps or self.errors)


@dataclass
class PostureResult:
    directories: list[DirectoryResult]
    output_dir: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.directories)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        """Everything the gate decided, as JSON-able data (written as posture.json)."""
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "directories": [
                {
                    "directory": str(d.directory),
                    "name": d.name,
                    "ok": d.ok,
                    "errors": d.errors,
                    "seconds": round(d.seconds, 2),
                    "checkov_seconds": round(d.checkov_seconds, 2),
                    "resources": d.resources,
                    "checkov_version": d.checkov_version,
                    "plan": None
                    if d.plan is None
                    else {
                        "status": d.plan.status,
                        "message": d.plan.message,
                        "rounds": d.plan.rounds,
                        "pending": [list(p) for p in d.plan.pending],
                        "placeholders": d.plan.placeholders,
                        "plan_file": str(d.plan.plan_file) if d.plan.plan_file else None,
                        "timings": d.plan.timings,
                    },
                    "findings": [
                        {
                            "check_id": f.check_id,
                            "check_name": f.check_name,
                            "resource": f.resource,
                            "block_type": f.block_type,
                            "status": f.status,
                            "file": f.file,
                            "lines": list(f.lines),
                            "guideline": f.guideline,
                            "details": f.details,
                            "suppress_comment": f.suppress_comment,
                            "modes": f.modes,
                        }
                        for f in d.findings
                    ],
                }
                for d in self.directories
            ],
        }

    def findings(self) -> Iterable[tuple[DirectoryResult, Finding]]:
        for directory in self.directories:
            for finding in directory.findings:
                yield directory, finding
