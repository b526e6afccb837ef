"""Offline plans for the posture scan: fake credentials, no endpoint, resolved unknowns.

Each directory is planned in a private copy (the user's tree is never written to) with a
provider override holding fake keys and skip flags. When the attributes the custom checks
read are still "known after apply", the plan is resolved (see :mod:`.resolve`) by planning
again against a synthetic prior state. The one plan-time API call the AWS provider makes
(Step Functions definition validation) goes to a loopback stub (see :mod:`batch_harness.emulator.sfn_validation`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch_harness.terraform import process as tfprocess
from batch_harness.terraform.runner import (
    OFFLINE_PROVIDER_OVERRIDE,
    TerraformError,
    TerraformRunner,
    offline_account_env,
    offline_provider_env,
)

from .catalog import WATCHED_ATTRIBUTES
from .resolve import synthesize_state, unknown_attributes

MAX_RESOLVE_ROUNDS = 4


@dataclass
class PlanOutcome:
    status: str  # "raw" (fully known), "resolved", "partial", "failed", "disabled"
    message: str = ""
    plan_file: Path | None = None  # the plan JSON that gets scanned
    raw_plan_file: Path | None = None
    rounds: int = 0  # extra plans made against a synthetic state
    pending: list[tuple[str, str]] = field(default_factory=list)  # still unknown after resolving
    placeholders: dict[str, Any] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)  # (terraform step, seconds)

    @property
    def ok(self) -> bool:
        return self.status in ("raw", "resolved", "partial")


class SchemaCache:
    """Provider schemas by lock-file digest; ``terraform providers schema -json`` costs seconds."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir or Path(tempfile.gettempdir()) / "batch-harness" / "posture-schemas"
        self._lock = threading.Lock()
        self._memory: dict[str, dict[str, Any]] = {}

    def get(self, workdir: Path, env: Mapping[str, str]) -> dict[str, Any]:
        lock_file = workdir / ".terraform.lock.hcl"
        digest = hashlib.sha256(lock_file.read_bytes() if lock_file.is_file() else b"").hexdigest()[:16]
        with self._lock:
            if digest in self._memory:
                return self._memory[digest]
            path = self.cache_dir / f"{digest}.json"
            if path.is_file():
                schemas = json.loads(path.read_text())
            else:
                out = _terraform(workdir, env, "providers", "schema", "-json")
                raw = json.loads(out)
                schemas = {
                    name: {"resource_schemas": provider.get("resource_schemas", {})}
                    for name, provider in raw.get("provider_schemas", {}).items()
                }
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}")
                tmp.write_text(json.dumps(schemas))
                tmp.replace(path)
            self._memory[digest] = schemas
            return schemas


def _terraform(workdir: Path, env: Mapping[str, str], *args: str) -> str:
    result = tfprocess.run(["terraform", *args], cwd=workdir, env=dict(env))  # a runner's env: os.environ included
    if result.returncode != 0:
        raise TerraformError(" ".join(args[:1]), result.returncode, result.stdout, result.stderr)
    return result.stdout


def required_variables(root: Path) -> dict[str, str]:
    """Variables of a root module without a default: name -> type expression."""
    import hcl2  # checkov's HCL parser, already installed with it

    found: dict[str, str] = {}
    for tf_file in sorted(root.glob("*.tf")):
        try:
            parsed = hcl2.loads(tf_file.read_text())
        except Exception:
            continue
        for block in parsed.get("variable", []):
            for name, body in block.items():
                if "default" not in body:
                    type_expr = body.get("type", ["${any}"])
                    type_expr = type_expr[0] if isinstance(type_expr, list) and type_expr else type_expr
                    found[name] = str(type_expr).removeprefix("${").removesuffix("}")
    return found


_IDENTITY_INPUT = re.compile(r"(^|_)(name|prefix|id|ids|arn|arns)$|vpc|subnet|security_group")


def placeholder_for(name: str, type_expr: str) -> Any:
    """A stand-in for a required *identity* input (names, VPC/subnet/SG ids, ARNs), else None.

    Only inputs that say where things live get one: they change names and IDs, never a
    verdict. A required flag, number or policy input gets none, so the plan fails and asks
    for a --var-file instead of letting a made-up value decide a check.
    """
    lowered = name.lower()
    kind = re.sub(r"\s+", "", type_expr)
    if not _IDENTITY_INPUT.search(lowered) or kind not in ("string", "list(string)", "set(string)"):
        return None
    value = "posture"
    if "vpc" in lowered:
        value = "vpc-0a1b2c3d4e5f60718"
    elif "subnet" in lowered:
        value = "subnet-0a1b2c3d4e5f60718"
    elif "security_group" in lowered:
        value = "sg-0a1b2c3d4e5f60718"
    elif lowered.endswith(("arn", "arns")):
        value = "arn:aws:iam::123456789012:role/posture"
    return value if kind == "string" else [value]


def unsettled(plan: Mapping[str, Any]) -> int:
    """Resources the plan creates (or replaces): their computed values are still unknown.

    In a first plan that is everything; against a synthetic state only resources whose
    stand-ins differ from what the config computes are replaced.
    """
    return sum(
        1 for change in plan.get("resource_changes", []) if "create" in change.get("change", {}).get("actions", [])
    )


class _Clock:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self._start = time.monotonic()

    def lap(self, step: str) -> None:
        now = time.monotonic()
        self.steps.append((step, round(now - self._start, 2)))
        self._start = now


def plan_directory(
    copy_root: Path,
    artifacts: Path,
    *,
    sfn_endpoint: str | None,
    schemas: SchemaCache,
    var_files: Sequence[Path] = (),
) -> PlanOutcome:
    """Init and plan one copied root; resolve unknown attributes the checks need."""
    runner = TerraformRunner(
        copy_root, env={**offline_account_env(), **offline_provider_env(sfn_endpoint)}, scratch=True
    )
    runner.write_override(OFFLINE_PROVIDER_OVERRIDE)
    artifacts.mkdir(parents=True, exist_ok=True)
    clock = _Clock()
    outcome = _plan_directory(copy_root, runner, artifacts, clock, schemas, var_files)
    outcome.timings = clock.steps
    return outcome


def _plan_directory(
    copy_root: Path,
    runner: TerraformRunner,
    artifacts: Path,
    clock: _Clock,
    schemas: SchemaCache,
    var_files: Sequence[Path],
) -> PlanOutcome:
    try:
        runner.init()
    except TerraformError as error:
        return PlanOutcome("failed", "terraform init failed: " + "; ".join(error.diagnostics))
    clock.lap("init")

    placeholders: dict[str, Any] = {}
    has_tfvars = (copy_root / "terraform.tfvars").is_file() or any(copy_root.glob("*.auto.tfvars"))
    if not var_files and not has_tfvars:
        candidates = {n: placeholder_for(n, t) for n, t in required_variables(copy_root).items()}
        placeholders = {n: v for n, v in candidates.items() if v is not None}
    try:
        plan = runner.plan(variables=placeholders or None, var_files=[str(f) for f in var_files])
    except TerraformError as error:
        text = "; ".join(error.diagnostics)
        hint = ""
        if "No value for required variable" in text:
            hint = " (give the inputs with --var-file or a terraform.tfvars)"
        if "127.0.0.1" not in text and re.search(r"no such host|dial tcp|connect: ", text):
            hint = " (this configuration makes an API call at plan time; it needs an endpoint)"
        return PlanOutcome("failed", f"terraform plan failed{hint}: {text}", placeholders=placeholders)
    clock.lap("plan+show")
    raw_file = artifacts / "plan.json"
    raw_file.write_text(json.dumps(plan.raw, indent=1))
    if plan.raw.get("errored"):
        return PlanOutcome("failed", "terraform wrote an errored plan", raw_plan_file=raw_file)

    pending = unknown_attributes(plan.raw, WATCHED_ATTRIBUTES)
    if not pending and not unsettled(plan.raw):
        return PlanOutcome("raw", "nothing to create: every value is known", raw_file, raw_file, 0, [], placeholders)

    # At least one round: in a first plan every reference to a resource being created (a KMS
    # key, a queue, a security group) is unknown, which checkov reads as "not set".
    best_plan, best_pending, rounds = plan.raw, pending, 0
    schema = schemas.get(copy_root, runner.env)
    clock.lap("provider schema")
    lineage = str(uuid.uuid4())
    var_args = [f"-var-file={Path(f).resolve()}" for f in var_files]
    var_args += [f"-var={k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in placeholders.items()]
    current = plan.raw
    with tempfile.TemporaryDirectory(prefix="posture-plan-") as tmp:
        for round_number in range(1, MAX_RESOLVE_ROUNDS + 1):
            state = synthesize_state(current, schema, lineage=lineage, serial=round_number)
            (copy_root / "terraform.tfstate").write_text(json.dumps(state))
            plan_bin = Path(tmp) / f"round{round_number}.tfplan"
            try:
                _terraform(
                    copy_root,
                    runner.env,
                    "plan",
                    "-refresh=false",
                    "-lock=false",
                    "-input=false",
                    "-no-color",
                    f"-out={plan_bin}",
                    *var_args,
                )
                current = json.loads(_terraform(copy_root, runner.env, "show", "-json", "-no-color", str(plan_bin)))
                clock.lap(f"round {round_number} plan+show")
            except TerraformError as error:
                message = "; ".join(error.diagnostics)
                return PlanOutcome(
                    "partial",
                    f"resolving unknown values failed in round {round_number}: {message}",
                    raw_file,
                    raw_file,
                    rounds,
                    sorted(best_pending),
                    placeholders,
                )
            rounds = round_number
            now_pending = unknown_attributes(current, WATCHED_ATTRIBUTES)
            # A stand-in that differs from what the config computes (a vpc_id, a role name)
            # replaces that resource, and values derived from its new computed attributes are
            # unknown again; the next round starts from these planned values. Stop as soon as
            # the attributes the custom checks read are known (replacements left over only
            # blur computed values nobody judges; see checkov_worker.MARKED_ATTRIBUTES).
            if round_number > 1 and len(now_pending) >= len(best_pending):
                break  # no progress: what is left is unknown to Terraform itself
            best_plan, best_pending = current, now_pending
            if not now_pending:
                break
    resolved_file = artifacts / "plan-resolved.json"
    resolved_file.write_text(json.dumps(best_plan, indent=1))
    status = "resolved" if not best_pending else "partial"
    message = f"resolved with {rounds} extra plan(s) against a synthetic prior state"
    if best_pending:
        message += f"; still unknown: {len(best_pending)} attribute(s)"
    return PlanOutcome(status, message, resolved_file, raw_file, rounds, sorted(best_pending), placeholders)
