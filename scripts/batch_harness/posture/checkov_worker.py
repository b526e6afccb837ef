"""Run checkov in its own process and write every result as JSON.

``python -m batch_harness.posture.checkov_worker SPEC.json OUT.json``: one scan.
``python -m batch_harness.posture.checkov_worker --serve POLICIES_DIR``: a scan service (below).

Why a separate process that runs checkov in-process (rather than the checkov CLI):
* checkov keeps its check registries in module globals, so two scans in one interpreter see
  each other's external checks; a process per scan keeps scans independent and parallel.
* checkov 3.3.30 drops UNKNOWN results before any output format sees them. Here we wrap
  ``Report.add_record`` to keep them, with the reason our checks attach, so the runner can
  prove every expected check really evaluated.
* We read checkov's registries after the run to prove the custom policy folder was loaded
  (checkov skips a folder without ``__init__.py`` with an INFO log line only).

Starting Python and importing checkov costs about 3 CPU-seconds, as much as scanning a small
directory. The service pays it once per posture run: it imports checkov, then forks one child
per scan request. Each child is a fresh copy of that interpreter (registries included), so
scans stay as independent and as parallel as separate processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import select
import sys
from pathlib import Path
from typing import Any

from batch_harness.posture import checkov_speed
from batch_harness.terraform.addresses import module_resources, resource_type

OFFLINE_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",  # no PyPI version check at import
    "LOG_LEVEL": "WARNING",
    # Run checkov's runners in this process: the UNKNOWN capture and the registry inspection
    # below only see this interpreter (the posture runner parallelises across directories).
    "CHECKOV_PARALLELIZATION_TYPE": "none",
    # checkov gives up on an HCL file whose parse takes 10 s of *wall* time: on a loaded CI
    # machine the module's larger files get there and turn into parsing errors of the gate.
    "HCL_PARSE_TIMEOUT_SEC": "300",
}


AFTER_UNKNOWN = "true_after_unknown"


def _mark(values: Any, unknown: Any) -> Any:
    """Put the marker where ``after_unknown`` says a value is unknown and ``values`` lacks it."""
    if unknown is True:
        return AFTER_UNKNOWN if values is None else values
    if isinstance(unknown, dict):
        base = dict(values) if isinstance(values, dict) else {}
        for key, marker in unknown.items():
            if marker is True and base.get(key) is None:
                base[key] = AFTER_UNKNOWN
            elif isinstance(marker, (dict, list)) and marker:
                base[key] = _mark(base.get(key), marker)
        return base
    if isinstance(unknown, list) and isinstance(values, list):
        return [_mark(v, unknown[i]) if i < len(unknown) else v for i, v in enumerate(values)]
    return values


# Attributes whose "known after apply" state matters to a verdict: what the custom checks read,
# including values that only have to be *set* (a dead-letter queue, a KMS key, security groups
# or a log destination created in the same plan). Everything else keeps checkov's usual
# plan semantics (unknown = absent): a marker in an attribute a built-in check compares with a
# value would fail it for no reason (CKV2_AWS_35 would call a replaced NAT route an *instance*).
MARKED_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_batch_job_definition": (
        "container_properties",
        "ecs_properties",
        "node_properties",
        "eks_properties",
        "timeout",
    ),
    "aws_batch_compute_environment": ("compute_resources",),
    "aws_iam_role": ("assume_role_policy", "inline_policy", "managed_policy_arns"),
    "aws_iam_policy": ("policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_user_policy": ("policy",),
    "aws_iam_group_policy": ("policy",),
    "aws_iam_role_policy_attachment": ("policy_arn",),
    "aws_iam_policy_attachment": ("policy_arn",),
    "aws_iam_user_policy_attachment": ("policy_arn",),
    "aws_iam_group_policy_attachment": ("policy_arn",),
    "aws_cloudwatch_log_group": ("kms_key_id", "retention_in_days"),
    "aws_cloudwatch_event_target": ("dead_letter_config", "retry_policy", "input"),
    "aws_scheduler_schedule": ("target",),
    "aws_sfn_state_machine": ("logging_configuration", "definition"),
    "aws_security_group": ("ingress",),
    "aws_security_group_rule": ("type",),
}


def mark_unknowns(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with "known after apply" values spelled out as the marker checkov itself uses.

    Checks need to tell "not set" from "not known yet": a dead-letter queue or KMS key created
    in the same plan *is* set. checkov's EVAL_TF_PLAN_AFTER_UNKNOWN does this for every
    attribute; here only for MARKED_ATTRIBUTES.
    """
    unknown_by_address = {}
    for rc in plan.get("resource_changes", []):
        unknown = rc.get("change", {}).get("after_unknown")
        keep = MARKED_ATTRIBUTES.get(rc.get("type", ""), ())
        if isinstance(unknown, dict) and keep:
            unknown_by_address[rc["address"]] = {k: v for k, v in unknown.items() if k in keep}

    for resource in module_resources(plan.get("planned_values", {}).get("root_module")):
        unknown = unknown_by_address.get(resource.get("address"))
        if unknown:
            resource["values"] = _mark(resource.get("values") or {}, unknown)
    return plan


def _record(record: Any, result: str, block_type: str) -> dict[str, Any]:
    check_result = record.check_result or {}
    return {
        "result": result,
        "check_id": record.check_id,
        "check_name": record.check_name,
        "block_type": block_type,
        "resource": record.resource,
        "file_path": record.file_path,
        "file_abs_path": record.file_abs_path,
        "file_line_range": list(record.file_line_range or [0, 0]),
        "caller_file_path": getattr(record, "caller_file_path", None),
        "caller_file_line_range": list(getattr(record, "caller_file_line_range", None) or []) or None,
        "guideline": record.guideline,
        "details": list(record.details or []),
        "suppress_comment": check_result.get("suppress_comment"),
    }


def run(spec: dict[str, Any]) -> dict[str, Any]:
    os.environ.update(OFFLINE_ENV)
    checkov_speed.apply()
    for key in ("BC_API_KEY", "PRISMA_API_URL", "BC_SKIP_MAPPING"):
        os.environ.pop(key, None)

    from checkov.common.models.enums import CheckResult
    from checkov.common.output.report import Report

    unknown: list[Any] = []
    original_add_record = Report.add_record

    def add_record(self: Report, record: Any) -> None:
        if record.check_result.get("result") == CheckResult.UNKNOWN:
            unknown.append((self.check_type, record))
        original_add_record(self, record)

    Report.add_record = add_record  # type: ignore[method-assign]

    from checkov.main import Checkov
    from checkov.terraform.checks.data.registry import data_registry
    from checkov.terraform.checks.resource.registry import resource_registry

    frameworks = ["terraform"]
    argv = [
        "--skip-download",
        "--download-external-modules",
        "false",
        "--external-checks-dir",
        spec["policies_dir"],
        "-o",
        "json",
    ]
    if spec.get("hcl_dir"):
        argv += ["-d", spec["hcl_dir"]]
    # The resolved plan, with "known after apply" values spelled out (see mark_unknowns).
    if spec.get("plan_file"):
        frameworks.append("terraform_plan")
        marked_file = Path(spec["workdir"]) / "plan.marked.json"
        marked_file.write_text(json.dumps(mark_unknowns(json.loads(Path(spec["plan_file"]).read_text()))))
        argv += ["-f", str(marked_file)]
    argv += ["--framework", *frameworks]
    for var_file in spec.get("var_files", []):
        argv += ["--var-file", var_file]

    checkov = Checkov(argv)
    captured = io.StringIO()
    logging.getLogger().setLevel(logging.WARNING)
    with contextlib.redirect_stdout(captured):
        exit_code = checkov.run()

    data_only_types = set(data_registry.checks) - set(resource_registry.checks)

    def block_type_of(record: Any) -> str:
        # checkov names data blocks without the "data." prefix; the type tells them apart.
        return "data" if resource_type(record.resource) in data_only_types else "resource"

    reports = []
    for report in checkov.scan_reports:
        records = [
            _record(r, name, block_type_of(r))
            for name, group in (
                ("PASSED", report.passed_checks),
                ("FAILED", report.failed_checks),
                ("SKIPPED", report.skipped_checks),
            )
            for r in group
        ]
        records += [_record(r, "UNKNOWN", block_type_of(r)) for t, r in unknown if t == report.check_type]
        reports.append(
            {
                "check_type": report.check_type,
                "resources": sorted(report.resources),
                "parsing_errors": list(report.parsing_errors),
                "records": records,
            }
        )

    loaded: dict[str, dict[str, Any]] = {}
    policies = str(Path(spec["policies_dir"]).resolve())
    for registry, block_type in ((resource_registry, "resource"), (data_registry, "data")):
        for entity, checks in registry.checks.items():
            for check in checks:
                module = sys.modules.get(check.__class__.__module__)
                source = str(Path(getattr(module, "__file__", "") or "").resolve())
                if not source.startswith(policies):
                    continue
                entry = loaded.setdefault(check.id, {"name": check.name, "resource": [], "data": []})
                if entity not in entry[block_type]:
                    entry[block_type].append(entity)

    from checkov.version import version

    return {
        "exit_code": exit_code,
        "checkov_version": version,
        "argv": argv,
        "reports": reports,
        "loaded_custom_checks": loaded,
        "stdout_tail": captured.getvalue()[-2000:] if not checkov.scan_reports else "",
    }


def _preload() -> None:
    """Import what every scan imports, so that forked children start with it loaded."""
    os.environ.update(OFFLINE_ENV)
    import checkov.main
    import checkov.terraform.plan_runner
    import checkov.terraform.runner  # noqa: F401

    checkov_speed.apply()


def _scan_in_child(spec_file: str, out_file: str) -> int:
    """In a forked child: run one scan; its output goes to ``OUT.stderr`` (never the protocol pipe)."""
    log = os.open(f"{out_file}.stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        result = run(json.loads(Path(spec_file).read_text()))
        Path(out_file).write_text(json.dumps(result, indent=1, default=str))
        return 0
    except BaseException:
        import traceback

        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def serve(policies_dir: str) -> int:
    """Answer scan requests until stdin closes.

    Request (stdin), one JSON line: ``{"id": ..., "spec": SPEC.json, "out": OUT.json}``; the spec's
    ``policies_dir`` must be the one the service was started for. Answer (stdout), one JSON line
    per finished request: ``{"id": ..., "rc": exit code}``; OUT.json holds the result and
    OUT.json.stderr the scan's output. Requests run in parallel, each in its own forked child.
    """
    _preload()
    children: dict[int, Any] = {}
    pending = b""
    stdin = sys.stdin.fileno()
    open_input = True

    def answer(request_id: Any, rc: int) -> None:
        sys.stdout.write(json.dumps({"id": request_id, "rc": rc}) + "\n")
        sys.stdout.flush()

    while open_input or children:
        if open_input:
            ready, _, _ = select.select([stdin], [], [], 0.05)
            if ready:
                chunk = os.read(stdin, 65536)
                open_input = bool(chunk)
                pending += chunk
        else:
            pid, status = os.waitpid(-1, 0)
            answer(children.pop(pid), os.waitstatus_to_exitcode(status))
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            spec = json.loads(Path(request["spec"]).read_text())
            if Path(spec["policies_dir"]).resolve() != Path(policies_dir).resolve():
                # A service holds the registry of one policy folder.
                Path(f"{request['out']}.stderr").write_text(
                    f"policies_dir {spec['policies_dir']}: this service was started for {policies_dir}\n"
                )
                answer(request["id"], 2)
                continue
            pid = os.fork()
            if pid == 0:
                os._exit(_scan_in_child(request["spec"], request["out"]))
            children[pid] = request["id"]
        while children and open_input:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            answer(children.pop(pid), os.waitstatus_to_exitcode(status))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) == 2 and args[0] == "--serve":
        return serve(args[1])
    if len(args) != 2:
        print(
            "usage: python -m batch_harness.posture.checkov_worker SPEC.json OUT.json | --serve POLICIES_DIR",
            file=sys.stderr,
        )
        return 2
    spec = json.loads(Path(args[0]).read_text())
    result = run(spec)
    Path(args[1]).write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
