"""Posture output: a terminal table (rich), JUnit XML and SARIF 2.1.0 for CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .results import DirectoryResult, Finding, PostureResult

STATUS_STYLE = {
    "FAILED": "bold red",
    "NOT_EVALUATED": "bold magenta",
    "SKIPPED": "yellow",
    "PASSED": "green",
}


def _detail(finding: Finding, limit: int = 3) -> str:
    lines = finding.details[:limit]
    if finding.status == "SKIPPED" and finding.suppress_comment:
        lines = [f"skipped: {finding.suppress_comment}"]
    more = len(finding.details) - limit
    return "\n".join(lines + ([f"(+{more} more)"] if more > 0 else []))


def render(result: PostureResult, console: Console | None = None, *, show_passed: bool = False) -> None:
    # CI logs are not terminals: give the table room instead of folding every cell.
    console = console or Console(width=None if Console().is_terminal else 200)
    table = Table(title="Security posture", show_lines=True, expand=True)
    table.add_column("status", no_wrap=True)
    table.add_column("check", overflow="fold", ratio=3)
    table.add_column("resource", overflow="fold", ratio=3)
    table.add_column("file:line", overflow="fold", ratio=2)
    table.add_column("why / guideline", overflow="fold", ratio=4)
    shown = {"FAILED", "NOT_EVALUATED", "SKIPPED"} | ({"PASSED"} if show_passed else set())
    order = {"FAILED": 0, "NOT_EVALUATED": 1, "SKIPPED": 2, "PASSED": 3}
    rows = sorted(
        ((d, f) for d, f in result.findings() if f.status in shown),
        key=lambda pair: (order[pair[1].status], pair[0].name, pair[1].check_id, pair[1].resource),
    )
    for directory, finding in rows:
        table.add_row(
            f"[{STATUS_STYLE[finding.status]}]{finding.status}[/]",
            f"[bold]{finding.check_id}[/]\n{finding.check_name}",
            f"{finding.resource}\n[dim]{directory.name}[/]",
            finding.location,
            "\n".join(x for x in (_detail(finding), finding.guideline or "") if x),
        )
    if rows:
        console.print(table)
    for directory in result.directories:
        _summary(console, directory)
    verdict = "[bold green]PASSED[/]" if result.ok else "[bold red]FAILED[/]"
    where = f"; reports in {result.output_dir}" if result.output_dir else ""
    console.print(f"posture {verdict} in {result.seconds:.1f}s{where}")


def _summary(console: Console, d: DirectoryResult) -> None:
    plan = d.plan.status if d.plan else "-"
    if d.plan and d.plan.rounds:
        plan += f" ({d.plan.rounds} extra plan(s))"
    if d.plan and d.plan.placeholders:
        plan += " with placeholder inputs " + ", ".join(sorted(d.plan.placeholders))
    mark = "[green]ok[/]" if d.ok else "[red]FAIL[/]"
    console.print(
        f"{mark} {d.name}: {len(d.passed)} passed, {len(d.failed)} failed, {len(d.skipped)} skipped, "
        f"{len(d.gaps)} not evaluated; {d.resources} resources; plan: {plan}; {d.seconds:.1f}s"
    )
    for error in d.errors:
        console.print(f"  [red]error:[/] {error}", highlight=False)


# --------------------------------------------------------------------------------------------
# JUnit XML
# --------------------------------------------------------------------------------------------


def write_junit(result: PostureResult, path: Path) -> None:
    suites = ET.Element("testsuites", name="posture")
    for d in result.directories:
        cases = [f for f in d.findings if f.status != "NOT_APPLICABLE"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"posture:{d.name}",
            tests=str(len(cases) + len(d.errors)),
            failures=str(len(d.failed) + len(d.gaps)),
            errors=str(len(d.errors)),
            skipped=str(len(d.skipped)),
            time=f"{d.seconds:.2f}",
        )
        for f in cases:
            case = ET.SubElement(
                suite, "testcase", classname=f"posture.{d.name}", name=f"{f.check_id} {f.resource}", file=f.file
            )
            text = "\n".join([f.check_name, f.location, *(f.details or []), f.guideline or ""])
            if f.status == "FAILED":
                ET.SubElement(case, "failure", message=f"{f.check_id}: {f.check_name}", type="check").text = text
            elif f.status == "NOT_EVALUATED":
                ET.SubElement(case, "failure", message=f"{f.check_id} did not evaluate", type="coverage").text = text
            elif f.status == "SKIPPED":
                ET.SubElement(case, "skipped", message=f.suppress_comment or "")
        for index, error in enumerate(d.errors):
            case = ET.SubElement(suite, "testcase", classname=f"posture.{d.name}", name=f"setup {index + 1}")
            ET.SubElement(case, "error", message=error.splitlines()[0][:200], type="posture").text = error
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


# --------------------------------------------------------------------------------------------
# SARIF 2.1.0
# --------------------------------------------------------------------------------------------


def write_sarif(result: PostureResult, path: Path) -> None:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    version = next((d.checkov_version for d in result.directories if d.checkov_version), "")
    for d, f in result.findings():
        if f.status not in ("FAILED", "NOT_EVALUATED", "SKIPPED"):
            continue
        rule = rules.setdefault(
            f.check_id,
            {
                "id": f.check_id,
                "name": f.check_id,
                "shortDescription": {"text": f.check_name},
                "fullDescription": {"text": f.check_name},
                "help": {"text": f.guideline or f.check_name},
                "defaultConfiguration": {"level": "error"},
            },
        )
        if f.guideline and f.guideline.startswith(("http://", "https://")):
            rule["helpUri"] = f.guideline
        message = f.check_name if f.status != "NOT_EVALUATED" else f"{f.check_name}: check did not evaluate"
        entry: dict[str, Any] = {
            "ruleId": f.check_id,
            "level": "error",
            "message": {"text": "; ".join([f"{message} ({f.resource})", *f.details])},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file or d.name},
                        "region": {"startLine": max(1, f.lines[0]), "endLine": max(1, f.lines[1] or f.lines[0])},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.resource, "kind": "resource"}],
                }
            ],
            "properties": {"directory": d.name, "status": f.status},
        }
        if f.status == "SKIPPED":
            entry["suppressions"] = [{"kind": "inSource", "justification": f.suppress_comment or ""}]
        results.append(entry)
    for d in result.directories:
        for error in d.errors:
            rules.setdefault(
                "POSTURE_SETUP",
                {"id": "POSTURE_SETUP", "name": "posture-setup", "shortDescription": {"text": "posture gate setup"}},
            )
            results.append(
                {
                    "ruleId": "POSTURE_SETUP",
                    "level": "error",
                    "message": {"text": error},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": d.name}}}],
                }
            )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "batch-harness posture (checkov)",
                        "version": version,
                        "informationUri": "https://www.checkov.io/",
                        "rules": sorted(rules.values(), key=lambda r: r["id"]),
                    }
                },
                "results": results,
            }
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sarif, indent=1))
