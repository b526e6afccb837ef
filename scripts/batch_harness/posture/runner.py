"""The posture gate: checkov on the HCL and the (resolved) plan of each directory, merged.

Per directory:
1. copy the root config (and every local module it reaches) twice into a scratch area: one
   pristine copy for the HCL scan, one for Terraform (it gets the provider override);
2. plan offline and resolve "known after apply" values (:mod:`.planning`);
3. run checkov once over both (:mod:`.checkov_worker`, its own process), with the custom
   policies;
4. merge: one outcome per (check, resource address). A failure in either scan fails; an
   inline skip (HCL) applies to both scans; a custom check must have evaluated (passed,
   failed or skipped) in at least one scan for every resource it supports, or the directory
   fails the coverage gate.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_harness.addresses import base_address, resource_type
from batch_harness.emulator.sfn_validation import SfnValidationServer
from batch_harness.terraform import copy_config, local_module_dirs

from .catalog import BY_ID, CUSTOM_CHECKS, POLICY_DIR, is_custom
from .planning import PlanOutcome, SchemaCache, plan_directory

DETAIL_PREFIX = "sbatch-unknown:"
UNRESOLVED, AFTER_APPLY, DELEGATED, NOT_CREATED = "unresolved", "after-apply", "delegated", "not-created"
_DELEGATE = re.compile(r"is (data\.aws_iam_policy_document\.[\w-]+(?:\[[^\]]*\])?)\.json")
_MIN_SKIP_REASON = 8


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


# --------------------------------------------------------------------------------------------
# Directory discovery
# --------------------------------------------------------------------------------------------


def find_repo_root(start: Path | None = None) -> Path:
    """Nearest ancestor with Terraform files and an ``examples`` folder (else ``start``)."""
    start = (start or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if (candidate / "examples").is_dir() and any(candidate.glob("*.tf")):
            return candidate
    return start


def default_directories(root: Path | None = None) -> list[Path]:
    """The root module and every ``examples/*`` directory that holds Terraform files."""
    root = find_repo_root(root)
    dirs = [root] if any(root.glob("*.tf")) else []
    examples = root / "examples"
    if examples.is_dir():
        dirs += sorted(d for d in examples.iterdir() if d.is_dir() and any(d.glob("*.tf")))
    return dirs


def display_name(directory: Path, base: Path) -> str:
    try:
        rel = directory.resolve().relative_to(base.resolve())
        return str(rel) if str(rel) != "." else "."
    except ValueError:
        return str(directory)


# --------------------------------------------------------------------------------------------
# Merging checkov records
# --------------------------------------------------------------------------------------------


class _PathMap:
    """Maps paths inside a scratch copy back to the user's tree, shown relative to ``base``."""

    def __init__(self, copy_base: Path, original_base: Path, display_base: Path) -> None:
        self.copy_base = copy_base.resolve()
        self.original_base = original_base.resolve()
        self.display_base = display_base.resolve()

    def __call__(self, path: str | None) -> str:
        if not path:
            return ""
        candidate = Path(path)
        try:
            original = self.original_base / candidate.resolve().relative_to(self.copy_base)
        except ValueError:
            original = candidate
        try:
            return str(original.relative_to(self.display_base))
        except ValueError:
            return str(original)


def _evaluations(worker: dict[str, Any], paths: _PathMap, plan_file: str | None) -> dict[tuple, list[Evaluation]]:
    by_key: dict[tuple, list[Evaluation]] = {}
    for report in worker.get("reports", []):
        mode = "plan" if report["check_type"] == "terraform_plan" else "hcl"
        for rec in report["records"]:
            file = paths(rec.get("file_abs_path")) if mode == "hcl" else (plan_file or "plan.json")
            lines = tuple(rec.get("file_line_range") or (0, 0))[:2]
            key = (rec["check_id"], rec["resource"], rec["block_type"], rec["check_name"], rec.get("guideline"))
            by_key.setdefault(key, []).append(
                Evaluation(mode, rec["result"], rec.get("details") or [], file, lines, rec.get("suppress_comment"))
            )
    return by_key


def _inventory_address(entry: str) -> str:
    """checkov's resource inventory entries are ``/path/of/file.tf:address``."""
    return entry.split(":", 1)[1] if entry.startswith("/") and ":" in entry else entry


def _module_prefix(address: str) -> str:
    """``module.a["x"].aws_iam_role.r`` -> ``module.a["x"].``"""
    match = re.match(r"^((?:module\.[\w-]+(?:\[[^\]]*\])?\.)*)", address)
    return match.group(1) if match else ""


def merge(
    worker: dict[str, Any], paths: _PathMap, plan_file: str | None, *, plan_scanned: bool
) -> tuple[list[Finding], list[str]]:
    """One Finding per (check, resource); the coverage gate for custom checks."""
    by_key = _evaluations(worker, paths, plan_file)
    errors: list[str] = []

    # Where each resource lives in the HCL (plan records only know the plan file).
    locations: dict[str, tuple[str, tuple[int, int]]] = {}
    for (_, resource, _, _, _), evals in by_key.items():
        for ev in evals:
            if ev.mode == "hcl" and ev.file:
                locations.setdefault(resource, (ev.file, ev.lines))
                locations.setdefault(base_address(resource), (ev.file, ev.lines))

    def location_of(resource: str, fallback: Evaluation) -> tuple[str, tuple[int, int]]:
        return locations.get(resource) or locations.get(base_address(resource)) or (fallback.file, fallback.lines)

    # Which (check, resource) got a real verdict in which scan: used to settle delegations.
    evaluated: dict[tuple[str, str, str], str] = {}
    for (check_id, resource, _, _, _), evals in by_key.items():
        for ev in evals:
            if ev.result in ("PASSED", "FAILED", "SKIPPED"):
                evaluated[(check_id, resource, ev.mode)] = ev.result

    # HCL resources that hand a document to a data source: doc address -> [(check, resource)]
    delegations: dict[str, list[tuple[str, str]]] = {}
    for (check_id, resource, _, _, _), evals in by_key.items():
        for ev in evals:
            for kind, why in ev.unknown_kinds:
                match = _DELEGATE.search(why)
                if kind == DELEGATED and match:
                    doc = _module_prefix(resource) + match.group(1).removeprefix("data.")
                    delegations.setdefault(doc, []).append((check_id, resource))

    # What the plan creates. checkov's HCL scan cannot expand a for_each/count it cannot
    # resolve and shows one unkeyed stand-in instead (even for an empty map); the plan is
    # authoritative about which instances exist.
    plan_bases: set[str] = set()
    for report in worker.get("reports", []):
        if report["check_type"] == "terraform_plan":
            plan_bases |= {base_address(_inventory_address(e)) for e in report.get("resources", [])}
    plan_verdicts = {(c, base_address(r)) for (c, r, mode) in evaluated if mode == "plan"}
    hcl_verdicts = {(c, base_address(r)) for (c, r, mode) in evaluated if mode == "hcl"}
    plan_failures = {
        (k[0], base_address(k[1]))
        for k, evals in by_key.items()
        for ev in evals
        if ev.mode == "plan" and ev.result == "FAILED"
    }

    # Inline skips live in the HCL; they cover every plan instance of the same resource block.
    skips: dict[tuple[str, str], str | None] = {}
    for (check_id, resource, _, _, _), evals in by_key.items():
        for ev in evals:
            if ev.mode == "hcl" and ev.result == "SKIPPED":
                skips.setdefault((check_id, base_address(resource)), ev.suppress_comment)

    findings: list[Finding] = []
    for (check_id, resource, block_type, check_name, guideline), evals in sorted(by_key.items()):
        results = {ev.mode: ev.result for ev in evals}
        base = base_address(resource)
        if plan_scanned and block_type == "resource" and "plan" not in results:
            if base not in plan_bases:
                continue  # not created with these inputs (count/for_each empty)
            judged = (check_id, base) in plan_verdicts
            if judged and all(ev.result in ("UNKNOWN", "SKIPPED") for ev in evals):
                continue  # the unexpanded HCL stand-in; the plan instances carry the verdict/skip
            if all(ev.result == "FAILED" for ev in evals) and (check_id, base) in plan_failures:
                continue  # the plan reports the same failure on every real instance
        skipped = [ev for ev in evals if ev.result == "SKIPPED"]
        failed = [ev for ev in evals if ev.result == "FAILED"]
        passed = [ev for ev in evals if ev.result == "PASSED"]
        if not skipped and (check_id, base) in skips:
            skipped = [Evaluation("hcl", "SKIPPED", [], "", (0, 0), skips[(check_id, base)])]
        file, lines = location_of(resource, evals[0])
        details: list[str] = []
        suppress = None
        if skipped:
            status, suppress = "SKIPPED", skipped[0].suppress_comment
            if (
                not suppress
                or suppress.strip() in ("", "No comment provided")
                or len(suppress.strip()) < _MIN_SKIP_REASON
            ):
                errors.append(f"{check_id} on {resource} is skipped without a real reason ({file})")
        elif failed:
            status = "FAILED"
            for ev in failed:
                details += [d for d in ev.details if d not in details]
        elif passed:
            status = "PASSED"
        else:
            status, details = _unknown_status(
                check_id, resource, evals, evaluated, delegations, plan_scanned, plan_verdicts, hcl_verdicts
            )
        if status == "NOT_EVALUATED" and not is_custom(check_id):
            continue  # built-in checks: checkov's usual UNKNOWN, not our gate
        if status == "NOT_APPLICABLE":
            continue
        findings.append(
            Finding(
                check_id,
                check_name,
                resource,
                block_type,
                status,
                file,
                lines,
                guideline,
                details,
                suppress,
                results,
            )
        )

    # Resources checkov saw but for which a loaded custom check left no record at all.
    loaded = worker.get("loaded_custom_checks", {})
    seen = {(f.check_id, f.resource) for f in findings} | {(k[0], k[1]) for k in by_key}
    for report in worker.get("reports", []):
        for entry in report.get("resources", []):
            address = _inventory_address(entry)
            rtype = resource_type(address)
            for check_id, info in loaded.items():
                if rtype in info.get("resource", []) and (check_id, address) not in seen:
                    seen.add((check_id, address))
                    file, lines = locations.get(address) or locations.get(base_address(address)) or ("", (0, 0))
                    findings.append(
                        Finding(
                            check_id,
                            info.get("name", check_id),
                            address,
                            "resource",
                            "NOT_EVALUATED",
                            file,
                            lines,
                            BY_ID[check_id].guideline if check_id in BY_ID else None,
                            ["checkov produced no result for this resource"],
                        )
                    )
    return findings, errors


def _unknown_status(
    check_id: str,
    resource: str,
    evals: list[Evaluation],
    evaluated: dict[tuple[str, str, str], str],
    delegations: dict[str, list[tuple[str, str]]],
    plan_scanned: bool,
    plan_verdicts: set[tuple[str, str]],
    hcl_verdicts: set[tuple[str, str]],
) -> tuple[str, list[str]]:
    """Every scan said UNKNOWN: is that a real gap, or covered some other way?"""
    reasons = [(ev.mode, kind, why) for ev in evals for kind, why in ev.unknown_kinds]
    if not reasons:
        return "NOT_EVALUATED", ["checkov returned UNKNOWN without a reason"]
    if all(kind == NOT_CREATED for _, kind, _ in reasons):
        return "NOT_APPLICABLE", []
    # A resource that hands its document to a data source is covered when that document
    # (HCL) or the rendered document in this resource (plan) was evaluated.
    delegated = [why for _, kind, why in reasons if kind == DELEGATED]
    if delegated:
        match = _DELEGATE.search(delegated[0])
        doc = _module_prefix(resource) + match.group(1).removeprefix("data.") if match else ""
        if doc and evaluated.get((check_id, doc, "hcl")):
            return "NOT_APPLICABLE", []
    # A data document the HCL scanner could not render is covered when every resource that
    # uses it got a verdict in the plan, where Terraform rendered it.
    users = delegations.get(resource, []) + delegations.get(base_address(resource), [])
    if users and plan_scanned and all((c, base_address(r)) in plan_verdicts for c, r in users):
        return "NOT_APPLICABLE", []
    # A plan instance Terraform could not finish resolving is covered when the HCL scan judged
    # the resource block itself (our checks only judge what they could read).
    if all(ev.mode == "plan" for ev in evals) and (check_id, base_address(resource)) in hcl_verdicts:
        return "NOT_APPLICABLE", []
    details = [f"{mode}: {kind}: {why}" for mode, kind, why in reasons]
    if not plan_scanned:
        details.append("plan: not scanned")
    return "NOT_EVALUATED", details


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "root"


def run_checkov_worker(spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    spec_file = workdir / "checkov-spec.json"
    out_file = workdir / "checkov-result.json"
    spec_file.write_text(json.dumps(spec))
    env = {k: v for k, v in os.environ.items() if k not in ("BC_API_KEY", "PRISMA_API_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "batch_harness.posture.checkov_worker", str(spec_file), str(out_file)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0 or not out_file.is_file():
        raise RuntimeError(f"checkov worker failed ({result.returncode}): {result.stderr[-3000:]}")
    return json.loads(out_file.read_text())


def check_registry(worker: dict[str, Any], policies_dir: Path) -> list[str]:
    """Every catalogued custom check must be loaded for every type it promises."""
    errors = []
    loaded = worker.get("loaded_custom_checks", {})
    for expected in CUSTOM_CHECKS:
        got = loaded.get(expected.check_id)
        if not got:
            errors.append(
                f"custom policy {expected.check_id} was not loaded from {policies_dir} "
                "(checkov skips a folder without __init__.py and files that fail to import)"
            )
            continue
        missing = sorted(set(expected.resource_types) - set(got.get("resource", [])))
        missing += sorted(f"data.{t}" for t in set(expected.data_types) - set(got.get("data", [])))
        if missing:
            errors.append(f"custom policy {expected.check_id} does not cover {', '.join(missing)}")
    return errors


def scan_directory(
    directory: Path,
    *,
    display_base: Path,
    artifacts_root: Path,
    work_root: Path,
    policies_dir: Path,
    with_plan: bool,
    sfn_endpoint: str | None,
    schemas: SchemaCache,
    var_files: Sequence[Path] = (),
) -> DirectoryResult:
    started = time.monotonic()
    directory = directory.resolve()
    name = display_name(directory, display_base)
    result = DirectoryResult(directory=directory, name=name)
    slug = _slug(name if name != "." else directory.name)
    artifacts = artifacts_root / slug
    scratch = work_root / slug
    original_base = Path(os.path.commonpath([str(d) for d in local_module_dirs(directory)]))
    hcl_root = copy_config(directory, scratch / "hcl")
    paths = _PathMap(scratch / "hcl", original_base, display_base)

    plan_file: Path | None = None
    if with_plan:
        tf_root = copy_config(directory, scratch / "tf")
        outcome = plan_directory(tf_root, artifacts, sfn_endpoint=sfn_endpoint, schemas=schemas, var_files=var_files)
        result.plan = outcome
        if outcome.ok:
            plan_file = outcome.plan_file
        else:
            result.errors.append(outcome.message)
    else:
        result.plan = PlanOutcome("disabled", "plan scan disabled (--no-plan)")

    spec = {
        "hcl_dir": str(hcl_root),
        "plan_file": str(plan_file) if plan_file else None,
        "workdir": str(scratch),
        "policies_dir": str(policies_dir),
        "var_files": [str(Path(f).resolve()) for f in var_files],
    }
    checkov_started = time.monotonic()
    try:
        worker = run_checkov_worker(spec, scratch)
    except RuntimeError as error:
        result.errors.append(str(error))
        result.seconds = time.monotonic() - started
        return result
    (artifacts / "checkov.json").parent.mkdir(parents=True, exist_ok=True)
    (artifacts / "checkov.json").write_text(json.dumps(worker, indent=1))
    result.checkov_seconds = time.monotonic() - checkov_started
    result.checkov_version = worker.get("checkov_version", "")
    result.errors += check_registry(worker, policies_dir)
    for report in worker.get("reports", []):
        for parse_error in report.get("parsing_errors", []):
            result.errors.append(f"checkov could not parse {paths(parse_error)}")
        result.resources = max(result.resources, len(report.get("resources", [])))
    plan_display = display_name(plan_file, display_base) if plan_file else None
    result.findings, merge_errors = merge(worker, paths, plan_display, plan_scanned=plan_file is not None)
    result.errors += merge_errors
    result.seconds = time.monotonic() - started
    return result


def run_posture(
    directories: Sequence[Path] | None = None,
    *,
    output_dir: Path | None = Path("reports/posture"),
    with_plan: bool = True,
    jobs: int = 2,
    policies_dir: Path = POLICY_DIR,
    var_files: Sequence[Path] = (),
    keep_work: bool = False,
    display_base: Path | None = None,
) -> PostureResult:
    """Scan each directory (default: root module and examples); write JUnit XML and SARIF."""
    from .report import write_junit, write_sarif

    started = time.monotonic()
    dirs = [Path(d) for d in (directories or default_directories())]
    display_base = (display_base or Path.cwd()).resolve()
    work_root = Path(tempfile.mkdtemp(prefix="batch-harness-posture-"))
    artifacts_root = (output_dir or work_root / "artifacts").resolve()
    schemas = SchemaCache()
    try:
        # Answers OK: checkov, not the endpoint, judges the definitions of resolved placeholders.
        with SfnValidationServer(check=lambda definition: []) as stub:
            endpoint = stub.url if with_plan else None
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                futures = [
                    pool.submit(
                        scan_directory,
                        d,
                        display_base=display_base,
                        artifacts_root=artifacts_root,
                        work_root=work_root,
                        policies_dir=Path(policies_dir),
                        with_plan=with_plan,
                        sfn_endpoint=endpoint,
                        schemas=schemas,
                        var_files=var_files,
                    )
                    for d in dirs
                ]
                results = [f.result() for f in futures]
    finally:
        if not keep_work:
            shutil.rmtree(work_root, ignore_errors=True)
    posture = PostureResult(results, output_dir.resolve() if output_dir else None, time.monotonic() - started)
    if output_dir:
        output_dir.mkdir(parents=True, exist_ok=True)
        write_junit(posture, output_dir / "posture.junit.xml")
        write_sarif(posture, output_dir / "posture.sarif")
        (output_dir / "posture.json").write_text(json.dumps(posture.to_dict(), indent=1))
    return posture


__all__ = [
    "DirectoryResult",
    "Finding",
    "PostureResult",
    "default_directories",
    "find_repo_root",
    "run_posture",
    "scan_directory",
]
