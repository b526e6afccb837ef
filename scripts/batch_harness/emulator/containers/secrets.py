"""Secrets of a job resolved the way the ECS agent does before the container starts.

``valueFrom``: a Secrets Manager secret ARN (whole secret), the same ARN followed by
``:json-key:version-stage:version-id`` (any of them empty), an SSM parameter ARN, or an SSM
parameter name. A secret that cannot be read fails the attempt with AWS's statusReason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Clients = Callable[[str], Any]  # service name -> boto3 client of the local account

PREFIX = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed"


class ResourceInitializationError(Exception):
    """The attempt fails before its container starts; ``str()`` is the statusReason."""


def _secrets_manager(clients: Clients, value_from: str) -> str:
    parts = value_from.split(":")
    secret_id = ":".join(parts[:7])  # arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME
    json_key, stage, version = ([*parts[7:], "", "", ""])[:3]
    request: dict[str, Any] = {"SecretId": secret_id}
    if version:
        request["VersionId"] = version
    elif stage:
        request["VersionStage"] = stage
    try:
        value = clients("secretsmanager").get_secret_value(**request).get("SecretString")
    except Exception as error:
        raise ResourceInitializationError(
            f"{PREFIX}: unable to retrieve secret from asm: service call has been retried 1 time(s): "
            f"failed to fetch secret {secret_id} from secrets manager: {_aws_error(error)}"
        ) from error
    if value is None:
        raise ResourceInitializationError(
            f"{PREFIX}: unable to retrieve secret from asm: secret {secret_id} has no SecretString"
        )
    if not json_key:
        return str(value)
    try:
        return _json_field(json.loads(value), json_key)
    except (ValueError, KeyError) as error:
        raise ResourceInitializationError(
            f"{PREFIX}: unable to retrieve secret from asm: retrieved secret from Secrets Manager did not "
            f"contain json key {json_key}"
        ) from error


def _json_field(document: Any, key: str) -> str:
    value = document[key]
    return value if isinstance(value, str) else json.dumps(value)


def _parameter(clients: Clients, value_from: str) -> str:
    try:
        answer = clients("ssm").get_parameters(Names=[value_from], WithDecryption=True)
    except Exception as error:
        raise ResourceInitializationError(
            f"{PREFIX}: unable to retrieve secrets from ssm: {_aws_error(error)}"
        ) from error
    found = answer.get("Parameters") or []
    if not found:
        raise ResourceInitializationError(
            f"{PREFIX}: unable to retrieve secrets from ssm: service call has been retried 1 time(s): "
            f"invalid parameters: {value_from}"
        )
    return str(found[0]["Value"])


def _aws_error(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return f"{response['Error'].get('Code')}: {response['Error'].get('Message')}"
    return f"{type(error).__name__}: {error}"


def resolve(clients: Clients, secrets: dict[str, str]) -> dict[str, str]:
    """NAME -> value for every secret, or ResourceInitializationError for the first one that cannot be read."""
    values = {}
    for name, value_from in sorted(secrets.items()):
        if value_from.startswith("arn:") and ":secretsmanager:" in value_from:
            values[name] = _secrets_manager(clients, value_from)
        else:
            values[name] = _parameter(clients, value_from)
    return values
