"""Validate a schedule's input the way the AWS service receiving it would, using botocore's shapes.

EventBridge Scheduler's universal targets (``arn:aws:scheduler:::aws-sdk:batch:submitJob``) and
Step Functions' ``aws-sdk`` integrations take the API request as JSON with PascalCase member
names (``JobName``, ``ContainerOverrides.Command``), while the SDK shapes, and therefore boto3,
use the wire names (``jobName``, ``containerOverrides.command``). ``to_boto_params`` maps one to
the other member by member, so a misspelt or unknown member, a wrong type, a missing required
member or a value outside an enum is reported with its PascalCase path — before anything is
submitted, exactly where AWS would reject the delivery.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.validate import ParamValidator

UNIVERSAL_TARGET = re.compile(r"^arn:aws[\w-]*:scheduler:::aws-sdk:(?P<service>[a-z0-9]+):(?P<action>[A-Za-z0-9]+)$")


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


# Where the IAM service prefix differs from the signing name (Service Authorization Reference).
IAM_PREFIXES = {"monitoring": "cloudwatch", "email": "ses"}

# Universal-target service names that differ from botocore's (checked against service ids).
_KNOWN = {"sfn": "stepfunctions", "eventbridge": "events", "cloudwatchlogs": "logs"}


def _normalised_id(name: str) -> str:
    return re.sub(r"[\s-]", "", str(_session().get_service_model(name).service_id)).lower()


def botocore_service(target_name: str) -> str | None:
    """Universal-target service name (``sfn``, ``batch``, ``cloudwatchlogs``) -> botocore name.

    The target names are the SDK service ids, lower-cased without spaces or dashes (``SFN`` ->
    ``sfn``, ``CloudWatch Logs`` -> ``cloudwatchlogs``). Resolved by botocore name or a small
    alias table, not by loading all ~400 service models (seconds).
    """
    available = set(_session().get_available_services())
    for candidate in (_KNOWN.get(target_name), target_name):
        if candidate is not None and candidate in available and _normalised_id(candidate) == target_name:
            return candidate
    return None


@functools.cache
def service_model(name: str) -> ServiceModel:
    return _session().get_service_model(name)


@dataclass(frozen=True)
class SdkAction:
    """One API operation as a target: botocore service name, operation model, IAM action."""

    service: str  # botocore name, e.g. "batch", "stepfunctions"
    operation: OperationModel

    @property
    def iam_action(self) -> str:
        # The IAM prefix is the signing name (``states`` for Step Functions, ``batch`` for Batch).
        metadata = self.operation.service_model.metadata
        prefix = metadata.get("signingName") or metadata["endpointPrefix"]
        return f"{IAM_PREFIXES.get(prefix, prefix)}:{self.operation.name}"

    @property
    def boto_method(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.operation.name).lower()


def sdk_action(service: str, operation: str) -> SdkAction:
    """``("batch", "SubmitJob")`` -> SdkAction; ``operation`` may be camelCase (``submitJob``)."""
    model = service_model(service)
    wanted = operation[:1].upper() + operation[1:]
    if wanted not in model.operation_names:
        raise ValueError(f"{service} has no API action {operation!r}")
    return SdkAction(service, model.operation_model(wanted))


def universal_target_action(arn: str) -> SdkAction:
    """The API action behind a Scheduler universal target ARN (ValueError when it names none)."""
    match = UNIVERSAL_TARGET.match(arn)
    if not match:
        raise ValueError(f"{arn!r} is not a universal target ARN (arn:aws:scheduler:::aws-sdk:SERVICE:ACTION)")
    service = botocore_service(match["service"])
    if service is None:
        raise ValueError(f"universal target {arn!r}: no AWS service {match['service']!r}")
    return sdk_action(service, match["action"])


def pascal(member: str) -> str:
    return member[:1].upper() + member[1:]


_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (str, int, float),
    "blob": (str,),
}


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _convert(value: Any, shape: Shape, path: str, problems: list[str]) -> Any:
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            problems.append(f"{path or 'input'}: expected an object, got {_type_name(value)}")
            return value
        by_pascal = {pascal(name): name for name in shape.members}
        by_lower = {name.lower(): pascal(name) for name in shape.members}
        out: dict[str, Any] = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            member = by_pascal.get(key)
            if member is None:
                hint = by_lower.get(key.lower())
                suffix = f" (did you mean {hint!r}? members are PascalCase)" if hint else ""
                problems.append(f"{where}: unknown member{suffix}; known: {', '.join(sorted(by_pascal))}")
                continue
            out[member] = _convert(item, shape.members[member], where, problems)
        for required in shape.required_members:
            if required not in out and pascal(required) not in value:
                where = f"{path}.{pascal(required)}" if path else pascal(required)
                problems.append(f"{where}: required member missing")
        return out
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(f"{path}: expected an array, got {_type_name(value)}")
            return value
        return [_convert(item, shape.member, f"{path}[{i}]", problems) for i, item in enumerate(value)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object (map), got {_type_name(value)}")
            return value
        # Map keys are user data (e.g. job parameter names): never renamed.
        return {key: _convert(item, shape.value, f"{path}.{key}", problems) for key, item in value.items()}
    expected = _SCALAR_TYPES.get(shape.type_name)
    if expected is not None:
        is_bool = isinstance(value, bool)
        if not isinstance(value, expected) or (is_bool and bool not in expected):
            problems.append(f"{path}: expected {shape.type_name}, got {_type_name(value)} {value!r}")
            return value
    enum = shape.metadata.get("enum") if hasattr(shape, "metadata") else None
    if enum and value not in enum:
        problems.append(f"{path}: {value!r} is not one of {', '.join(enum)}")
    return value


def to_boto_params(action: SdkAction, pascal_input: Any) -> tuple[dict[str, Any], list[str]]:
    """PascalCase request JSON -> boto3 keyword arguments, plus every problem found (empty = valid)."""
    problems: list[str] = []
    params = _convert(pascal_input, action.operation.input_shape, "", problems)
    if not problems:
        problems.extend(validate_boto_params(action, params))
    return (params if isinstance(params, dict) else {}), problems


def validate_boto_params(action: SdkAction, params: dict[str, Any]) -> list[str]:
    """botocore's own client-side validation (ranges, lengths) of already-converted parameters."""
    report = ParamValidator().validate(params, action.operation.input_shape)
    if not report.has_errors():
        return []
    text = report.generate_report()
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("Parameter validation")]


def from_boto_params(action: SdkAction, params: dict[str, Any]) -> dict[str, Any]:
    """boto3 keyword arguments -> PascalCase request JSON (the inverse of ``to_boto_params``)."""

    def convert(value: Any, shape: Shape) -> Any:
        if isinstance(shape, StructureShape) and isinstance(value, dict):
            return {pascal(k): convert(v, shape.members[k]) for k, v in value.items() if k in shape.members}
        if isinstance(shape, ListShape) and isinstance(value, list):
            return [convert(v, shape.member) for v in value]
        if isinstance(shape, MapShape) and isinstance(value, dict):
            return {k: convert(v, shape.value) for k, v in value.items()}
        return value

    return convert(params, action.operation.input_shape)
