"""Merge checkov's records of both scans (HCL and plan) into one finding per (check, resource).

The stages, in order: read the records (``_evaluations``), index what they say across both scans
(``_Index``), drop the HCL stand-ins the plan speaks for (``_covered_by_the_plan``), decide one
status per record group (``_finding``), and add what checkov silently left out (``_unreported``).
A failure in either scan fails; an inline skip (HCL) applies to both scans; a custom check must
have evaluated (passed, failed or skipped) in at least one scan for every resource it supports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_harness.terraform.addresses import base_address, resource_type

from .catalog import BY_ID, is_custom
from .results import Evaluation, Finding

DELEGATED, NOT_CREATED = "delegated", "not-created"
_DELEGATE = re.compile(r"is (data\.aws_iam_policy_document\.[\w-]+(?:\[[^\]]*\])?)\.json")
_MIN_SKIP_REASON = 8

# (check id, resource address, block type, check name, guideline)
RecordKey = tuple[str, str, str, str, str | None]


class PathMap:
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


def _evaluations(worker: dict[str, Any], paths: PathMap, plan_file: str | None) -> dict[RecordKey, list[Evaluation]]:
    by_key: dict[RecordKey, list[Evaluation]] = {}
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


@dataclass
class _Index:
    """What the records of both scans say, looked up while deciding each finding."""

    plan_scanned: bool
    # Where each resource lives in the HCL (plan records only know the plan file).
    locations: dict[str, tuple[str, tuple[int, int]]] = field(default_factory=dict)
    # Which (check, resource, scan) got a real verdict: used to settle delegations.
    evaluated: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # HCL resources that hand a document to a data source: doc address -> [(check, resource)].
    delegations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Resource blocks the plan creates (authoritative over the HCL scan's unexpanded stand-ins).
    plan_bases: set[str] = field(default_factory=set)
    plan_verdicts: set[tuple[str, str]] = field(default_factory=set)
    hcl_verdicts: set[tuple[str, str]] = field(default_factory=set)
    plan_failures: set[tuple[str, str]] = field(default_factory=set)
    # Inline skips live in the HCL; they cover every plan instance of the same resource block.
    skips: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def location_of(self, resource: str) -> tuple[str, tuple[int, int]] | None:
        return self.locations.get(resource) or self.locations.get(base_address(resource))


def _index(worker: dict[str, Any], by_key: dict[RecordKey, list[Evaluation]], plan_scanned: bool) -> _Index:
    index = _Index(plan_scanned)
    for (check_id, resource, _, _, _), evals in by_key.items():
        base = base_address(resource)
        for ev in evals:
            if ev.mode == "hcl" and ev.file:
                index.locations.setdefault(resource, (ev.file, ev.lines))
                index.locations.setdefault(base, (ev.file, ev.lines))
            if ev.result in ("PASSED", "FAILED", "SKIPPED"):
                index.evaluated[(check_id, resource, ev.mode)] = ev.result
            if ev.mode == "plan" and ev.result == "FAILED":
                index.plan_failures.add((check_id, base))
            if ev.mode == "hcl" and ev.result == "SKIPPED":
                index.skips.setdefault((check_id, base), ev.suppress_comment)
            for kind, why in ev.unknown_kinds:
                match = _DELEGATE.search(why)
                if kind == DELEGATED and match:
                    doc = _module_prefix(resource) + match.group(1).removeprefix("data.")
                    index.delegations.setdefault(doc, []).append((check_id, resource))
    for report in worker.get("reports", []):
        if report["check_type"] == "terraform_plan":
            index.plan_bases |= {base_address(_inventory_address(e)) for e in report.get("resources", [])}
    index.plan_verdicts = {(c, base_address(r)) for (c, r, mode) in index.evaluated if mode == "plan"}
    index.hcl_verdicts = {(c, base_address(r)) for (c, r, mode) in index.evaluated if mode == "hcl"}
    return index


def _covered_by_the_plan(key: RecordKey, evals: list[Evaluation], index: _Index) -> bool:
    """An HCL-only record the plan speaks for: checkov's HCL scan cannot expand a for_each/count
    it cannot resolve and shows one unkeyed stand-in instead (even for an empty map)."""
    check_id, resource, block_type = key[0], key[1], key[2]
    if not index.plan_scanned or block_type != "resource" or any(ev.mode == "plan" for ev in evals):
        return False
    base = base_address(resource)
    if base not in index.plan_bases:
        return True  # not created with these inputs (count/for_each empty)
    if (check_id, base) in index.plan_verdicts and all(ev.result in ("UNKNOWN", "SKIPPED") for ev in evals):
        return True  # the unexpanded stand-in; the plan instances carry the verdict/skip
    # The plan reports the same failure on every real instance.
    return all(ev.result == "FAILED" for ev in evals) and (check_id, base) in index.plan_failures


def _finding(key: RecordKey, evals: list[Evaluation], index: _Index, errors: list[str]) -> Finding | None:
    """The one status of a (check, resource); ``None`` when it is not a finding of this gate."""
    check_id, resource, block_type, check_name, guideline = key
    base = base_address(resource)
    skipped = [ev for ev in evals if ev.result == "SKIPPED"]
    failed = [ev for ev in evals if ev.result == "FAILED"]
    passed = [ev for ev in evals if ev.result == "PASSED"]
    if not skipped and (check_id, base) in index.skips:
        skipped = [Evaluation("hcl", "SKIPPED", [], "", (0, 0), index.skips[(check_id, base)])]
    file, lines = index.location_of(resource) or (evals[0].file, evals[0].lines)
    details: list[str] = []
    suppress = None
    if skipped:
        status, suppress = "SKIPPED", skipped[0].suppress_comment
        reason = (suppress or "").strip()
        if reason in ("", "No comment provided") or len(reason) < _MIN_SKIP_REASON:
            errors.append(f"{check_id} on {resource} is skipped without a real reason ({file})")
    elif failed:
        status = "FAILED"
        for ev in failed:
            details += [d for d in ev.details if d not in details]
    elif passed:
        status = "PASSED"
    else:
        status, details = _unknown_status(check_id, resource, evals, index)
    if status == "NOT_APPLICABLE" or (status == "NOT_EVALUATED" and not is_custom(check_id)):
        return None  # built-in checks' UNKNOWN is checkov's usual answer, not our gate
    modes = {ev.mode: ev.result for ev in evals}
    return Finding(check_id, check_name, resource, block_type, status, file, lines, guideline, details, suppress, modes)


def _unknown_status(check_id: str, resource: str, evals: list[Evaluation], index: _Index) -> tuple[str, list[str]]:
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
        if doc and index.evaluated.get((check_id, doc, "hcl")):
            return "NOT_APPLICABLE", []
    # A data document the HCL scanner could not render is covered when every resource that
    # uses it got a verdict in the plan, where Terraform rendered it.
    base = base_address(resource)
    users = index.delegations.get(resource, []) + index.delegations.get(base, [])
    if users and index.plan_scanned and all((c, base_address(r)) in index.plan_verdicts for c, r in users):
        return "NOT_APPLICABLE", []
    # A plan instance Terraform could not finish resolving is covered when the HCL scan judged
    # the resource block itself (our checks only judge what they could read).
    if all(ev.mode == "plan" for ev in evals) and (check_id, base) in index.hcl_verdicts:
        return "NOT_APPLICABLE", []
    details = [f"{mode}: {kind}: {why}" for mode, kind, why in reasons]
    if not index.plan_scanned:
        details.append("plan: not scanned")
    return "NOT_EVALUATED", details


def _unreported(
    worker: dict[str, Any], by_key: dict[RecordKey, list[Evaluation]], findings: list[Finding], index: _Index
) -> list[Finding]:
    """Resources checkov saw but for which a loaded custom check left no record at all."""
    loaded = worker.get("loaded_custom_checks", {})
    seen = {(f.check_id, f.resource) for f in findings} | {(k[0], k[1]) for k in by_key}
    missing: list[Finding] = []
    for report in worker.get("reports", []):
        for entry in report.get("resources", []):
            address = _inventory_address(entry)
            kind = resource_type(address)
            for check_id, info in loaded.items():
                if kind not in info.get("resource", []) or (check_id, address) in seen:
                    continue
                seen.add((check_id, address))
                file, lines = index.location_of(address) or ("", (0, 0))
                guideline = BY_ID[check_id].guideline if check_id in BY_ID else None
                missing.append(
                    Finding(
                        check_id,
                        info.get("name", check_id),
                        address,
                        "resource",
                        "NOT_EVALUATED",
                        file,
                        lines,
                        guideline,
                        ["checkov produced no result for this resource"],
                    )
                )
    return missing


def merge(
    worker: dict[str, Any], paths: PathMap, plan_file: str | None, *, plan_scanned: bool
) -> tuple[list[Finding], list[str]]:
    """One Finding per (check, resource); the coverage gate for custom checks."""
    by_key = _evaluations(worker, paths, plan_file)
    index = _index(worker, by_key, plan_scanned)
    errors: list[str] = []
    findings: list[Finding] = []
    for key, evals in sorted(by_key.items(), key=lambda item: tuple(str(part) for part in item[0])):
        if _covered_by_the_plan(key, evals, index):
            continue
        finding = _finding(key, evals, index, errors)
        if finding is not None:
            findings.append(finding)
    return findings + _unreported(worker, by_key, findings, index), errors
