"""The posture gate: checkov on the HCL and the (resolved) plan of each directory, merged.

Per directory:
1. copy the root config (and every local module it reaches) twice into a scratch area: one
   pristine copy for the HCL scan, one for Terraform (it gets the provider override);
2. plan offline and resolve "known after apply" values (:mod:`.planning`);
3. run checkov once over both (:mod:`.checkov_worker`, its own process), with the custom
   policies;
4. merge: one outcome per (check, resource address) (:mod:`.findings`); results are modelled in
   :mod:`.results` and written by :mod:`.report`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from batch_harness.emulator.sfn_validation import SfnValidationServer
from batch_harness.terraform.runner import copy_config, local_module_dirs

from .catalog import CUSTOM_CHECKS, POLICY_DIR
from .findings import PathMap, merge
from .planning import PlanOutcome, SchemaCache, plan_directory
from .report import write_junit, write_sarif
from .results import DirectoryResult, Finding, PostureResult

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
# Running
# --------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "root"


def _worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("BC_API_KEY", "PRISMA_API_URL")}


def run_checkov_worker(spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """One scan in a fresh process (where the scan service cannot fork)."""
    spec_file = workdir / "checkov-spec.json"
    out_file = workdir / "checkov-result.json"
    spec_file.write_text(json.dumps(spec))
    result = subprocess.run(
        [sys.executable, "-m", "batch_harness.posture.checkov_worker", str(spec_file), str(out_file)],
        capture_output=True,
        text=True,
        env=_worker_env(),
        check=False,
    )
    if result.returncode != 0 or not out_file.is_file():
        raise RuntimeError(f"checkov worker failed ({result.returncode}): {result.stderr[-3000:]}")
    return json.loads(out_file.read_text())


class CheckovService:
    """The worker's scan service (``checkov_worker --serve``): checkov is imported once per posture
    run, while the first plans are made, and every directory's scan forks from it."""

    def __init__(self, policies_dir: Path, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self._log = log_dir / "checkov-service.stderr"
        with self._log.open("w") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "batch_harness.posture.checkov_worker", "--serve", str(policies_dir)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=_worker_env(),
            )
        self._lock = threading.Lock()
        self._answers: dict[int, int | None] = {}
        self._done: dict[int, threading.Event] = {}
        self._next_id = 0
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()

    def _read_answers(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            answer = json.loads(line)
            with self._lock:
                self._answers[answer["id"]] = answer["rc"]
                self._done[answer["id"]].set()
        with self._lock:  # the service is gone: nothing more will be answered
            for event in self._done.values():
                event.set()

    def scan(self, spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
        spec_file = workdir / "checkov-spec.json"
        out_file = workdir / "checkov-result.json"
        spec_file.write_text(json.dumps(spec))
        with self._lock:
            request_id, self._next_id = self._next_id, self._next_id + 1
            done = self._done[request_id] = threading.Event()
            assert self._process.stdin is not None
            try:
                self._process.stdin.write(json.dumps({"id": request_id, "spec": str(spec_file), "out": str(out_file)}))
                self._process.stdin.write("\n")
                self._process.stdin.flush()
            except OSError:
                done.set()
        done.wait()
        rc = self._answers.get(request_id)
        if rc != 0 or not out_file.is_file():
            log = Path(f"{out_file}.stderr")
            tail = (log.read_text() if log.is_file() else "") or self._log.read_text()
            raise RuntimeError(f"checkov worker failed ({'service ended' if rc is None else rc}): {tail[-3000:]}")
        return json.loads(out_file.read_text())

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def close(self) -> None:
        if self._process.returncode is not None:
            return
        with contextlib.suppress(OSError):
            assert self._process.stdin is not None
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)


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
    checkov: CheckovService | None = None,
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
    paths = PathMap(scratch / "hcl", original_base, display_base)

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
        worker = checkov.scan(spec, scratch) if checkov else run_checkov_worker(spec, scratch)
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
    started = time.monotonic()
    dirs = [Path(d) for d in (directories or default_directories())]
    display_base = (display_base or Path.cwd()).resolve()
    work_root = Path(tempfile.mkdtemp(prefix="batch-harness-posture-"))
    artifacts_root = (output_dir or work_root / "artifacts").resolve()
    schemas = SchemaCache()
    # Started first: checkov imports while the first plans run.
    checkov = CheckovService(Path(policies_dir), work_root) if hasattr(os, "fork") else None
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
                        checkov=checkov,
                    )
                    for d in dirs
                ]
                results = [f.result() for f in futures]
    finally:
        if checkov:
            checkov.close()
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
