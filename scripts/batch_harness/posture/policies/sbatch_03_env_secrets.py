"""CKV_SBATCH_3: no secret-looking names or values in plain environment variables.

Secrets belong in ``secrets[{name, valueFrom}]`` (Secrets Manager / SSM), which Batch injects
at start. Looked at: every container's ``environment`` and the job definition's default
``parameters``; plus environment overrides a schedule, a rule target or a state machine passes
at submit time (``ContainerOverrides.Environment``), because a secret there is just as plain.
checkov's secrets framework misses ``DB_PASSWORD = "SuperSecretPassw0rd!"``.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from checkov.common.models.enums import CheckResult
from sbatch_policy_lib import (
    AFTER_UNKNOWN,
    UNRESOLVED,
    SBatchResourceCheck,
    Unresolved,
    environment_pairs,
    failed,
    first,
    is_unresolved,
    job_containers,
    json_document,
    scalar,
)

SECRET_NAME = re.compile(
    r"PASSW(OR)?D|PASSPHRASE|(^|_)PASS($|_)|(^|_)PWD($|_)|SECRET|TOKEN|BEARER|API_?KEY|PRIVATE_?KEY|CREDENTIAL"
    r"|ACCESS_?KEY|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|SESSION_?KEY|MASTER_?KEY|SSH_?KEY|CLIENT_?SECRET"
    r"|CONN(ECTION)?_?STR(ING)?|(^|_)DSN($|_)|(^|_)AUTH$"
)
# Names that point at a secret rather than hold one (DB_SECRET_ARN, TOKEN_PARAMETER_NAME ...).
POINTER_SUFFIX = re.compile(r"_(ARN|NAME|PATH|FILE|PARAM|PARAMETER|REF|SECRET_ID|TTL|EXPIRY|URL_TEMPLATE)$")
SECRET_VALUE = (
    ("an AWS access key id", re.compile(r"\b(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b")),
    ("an AWS secret access key", re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("credentials in a URL", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
)


def secret_name(name: str) -> bool:
    upper = re.sub(r"[^A-Z0-9]+", "_", name.upper())
    if POINTER_SUFFIX.search(upper) or (upper.endswith("_ID") and "ACCESS_KEY" not in upper):
        return False
    return bool(SECRET_NAME.search(upper))


def secret_value(value: Any) -> str | None:
    value = scalar(value)
    if not isinstance(value, str) or not value or is_unresolved(value) or value.startswith("arn:"):
        return None
    for what, pattern in SECRET_VALUE:
        if pattern.search(value):
            return what
    return None


def judge(where: str, name: str, value: Any) -> list[str]:
    problems = []
    if secret_name(name):
        problems.append(f"{where}: {name!r} looks like a secret; pass it in secrets[].valueFrom")
    kind = secret_value(value)
    if kind:
        problems.append(f"{where}: value of {name!r} looks like {kind}")
    return problems


def _overrides(node: Any, path: str) -> list[tuple[str, str, Any]]:
    """(where, name, value) of every Environment override inside a submit-time JSON document."""
    found: list[tuple[str, str, Any]] = []
    if isinstance(node, dict):
        for key, child in node.items():
            here = f"{path}.{key}"
            if key.lower() == "environment" and isinstance(child, list):
                for index, entry in enumerate(child):
                    if isinstance(entry, dict):
                        lowered = {str(k).lower(): v for k, v in entry.items()}
                        name = lowered.get("name")
                        if isinstance(name, str):
                            found.append((f"{here}[{index}]", name, lowered.get("value")))
            elif isinstance(child, str) and child.strip().startswith("{"):
                # an embedded string that is not JSON carries no override
                with contextlib.suppress(Unresolved):
                    found.extend(_overrides(json_document(child, here), here))
            else:
                found.extend(_overrides(child, here))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found.extend(_overrides(child, f"{path}[{index}]"))
    return found


def _submit_document(value: Any, what: str) -> Any:
    """A submit-time JSON input; a literal that is not JSON simply carries no environment."""
    value = scalar(value)
    if (
        isinstance(value, str)
        and value != AFTER_UNKNOWN
        and not is_unresolved(value)
        and not value.strip().startswith(("{", "["))
    ):
        return None
    return json_document(value, what)


class NoPlaintextSecretsInEnvironment(SBatchResourceCheck):
    check_id = "CKV_SBATCH_3"
    title = "No secret-looking names or values in plain environment variables (use secrets/valueFrom)"
    resource_types = (
        "aws_batch_job_definition",
        "aws_scheduler_schedule",
        "aws_cloudwatch_event_target",
        "aws_sfn_state_machine",
    )

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        problems: list[str] = []
        if resource_type == "aws_batch_job_definition":
            for container in job_containers(conf):
                for name, value in environment_pairs(container):
                    problems += judge(f"{container.label}.environment", name, value)
            parameters = first(conf, "parameters")
            if isinstance(parameters, str):
                if is_unresolved(parameters):
                    raise Unresolved(UNRESOLVED, f"parameters is an unresolved expression: {parameters[:100]}")
            elif isinstance(parameters, dict):
                for name, value in parameters.items():
                    problems += judge("parameters", str(name), value)
        elif resource_type == "aws_scheduler_schedule":
            for index, target in enumerate(conf.get("target") or []):
                target = scalar(target)
                if isinstance(target, dict):
                    document = _submit_document(target.get("input"), f"target[{index}].input")
                    for where, name, value in _overrides(document, f"target[{index}].input"):
                        problems += judge(where, name, value)
        elif resource_type == "aws_cloudwatch_event_target":
            document = _submit_document(conf.get("input"), "input")
            for where, name, value in _overrides(document, "input"):
                problems += judge(where, name, value)
        else:  # aws_sfn_state_machine
            document = json_document(conf.get("definition"), "definition")
            for where, name, value in _overrides(document, "definition"):
                problems += judge(where, name, value)
        if problems:
            return failed(self, *problems)
        return CheckResult.PASSED


check = NoPlaintextSecretsInEnvironment()
