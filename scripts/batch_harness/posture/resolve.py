"""Make a plan's "known after apply" values known, offline, so checkov can read them.

A plan made with fake credentials knows every literal, but not the ARNs and IDs of resources
it is about to create. Any JSON attribute that embeds one of them (a job definition's
``container_properties`` with ``jobRoleArn``, a policy document scoped to a queue ARN, a trust
policy conditioned on the account id) is then unknown *as a whole*, and checkov silently
skips it. The HCL scan cannot fill the gap either: checkov's HCL renderer leaves ``for``
expressions, ``dynamic`` blocks and ``optional()`` defaults unevaluated.

So we let Terraform do the evaluation: after a first plan we write a *synthetic prior state*
in which every planned resource already exists, with its known planned values plus
deterministic stand-ins (``arn:aws:iam::123456789012:role/<name>``) for computed attributes,
and plan again with ``-refresh=false`` (no API call reads that state). References to those
attributes are now known, so the second plan renders the JSON attributes completely. A value
that feeds a ForceNew attribute may need one more round; we iterate until the attributes the
posture checks read are known or stop getting better.

Stand-ins are a pure function of the resource address, so two different roles always get two
different ARNs and a reused role keeps its single ARN (the "job role differs from execution
role" check relies on that).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

FAKE_ACCOUNT = "123456789012"
FAKE_REGION = "us-east-1"

# Resource type prefix -> (ARN service, resource-type segment, is the service global?)
_ARN_SHAPES: tuple[tuple[str, str, str, bool], ...] = (
    ("aws_iam_role", "iam", "role/", True),
    ("aws_iam_policy", "iam", "policy/", True),
    ("aws_iam_", "iam", "", True),
    ("aws_batch_job_queue", "batch", "job-queue/", False),
    ("aws_batch_job_definition", "batch", "job-definition/", False),
    ("aws_batch_compute_environment", "batch", "compute-environment/", False),
    ("aws_batch_scheduling_policy", "batch", "scheduling-policy/", False),
    ("aws_sqs_", "sqs", "", False),
    ("aws_sns_", "sns", "", False),
    ("aws_kms_", "kms", "key/", False),
    ("aws_cloudwatch_log_", "logs", "log-group:", False),
    ("aws_cloudwatch_event_", "events", "rule/", False),
    ("aws_scheduler_", "scheduler", "schedule/default/", False),
    ("aws_sfn_", "states", "stateMachine:", False),
    ("aws_security_group", "ec2", "security-group/", False),
    ("aws_vpc_security_group", "ec2", "security-group-rule/", False),
    ("aws_launch_template", "ec2", "launch-template/", False),
    ("aws_secretsmanager_", "secretsmanager", "secret:", False),
    ("aws_ssm_", "ssm", "parameter/", False),
)

_ALWAYS_STAND_IN = ("id", "arn", "name")


def _slug(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-").lower()
    return cleaned[-48:] or "x"


# EC2-style IDs: module inputs are often validated against these shapes (``vpc-...``).
_EC2_ID_PREFIX = {
    "aws_vpc": "vpc",
    "aws_subnet": "subnet",
    "aws_security_group": "sg",
    "aws_default_security_group": "sg",
    "aws_internet_gateway": "igw",
    "aws_egress_only_internet_gateway": "eigw",
    "aws_nat_gateway": "nat",
    "aws_route_table": "rtb",
    "aws_default_route_table": "rtb",
    "aws_network_acl": "acl",
    "aws_default_network_acl": "acl",
    "aws_eip": "eipalloc",
    "aws_vpc_endpoint": "vpce",
    "aws_network_interface": "eni",
    "aws_launch_template": "lt",
    "aws_instance": "i",
    "aws_vpc_security_group_ingress_rule": "sgr",
    "aws_vpc_security_group_egress_rule": "sgr",
    "aws_security_group_rule": "sgrule",
    "aws_vpc_dhcp_options": "dopt",
    "aws_flow_log": "fl",
    "aws_route_table_association": "rtbassoc",
    "aws_ec2_transit_gateway": "tgw",
}
# Resources whose ``id`` is their ARN in the AWS provider.
_ID_IS_ARN = (
    "aws_batch_job_queue",
    "aws_batch_job_definition",
    "aws_batch_scheduling_policy",
    "aws_sns_topic",
    "aws_sfn_state_machine",
    "aws_iam_policy",
    "aws_secretsmanager_secret",
)


class StandIns:
    """Deterministic stand-in values for one resource instance."""

    def __init__(self, address: str, resource_type: str, after: Mapping[str, Any] | None) -> None:
        self.address = address
        self.resource_type = resource_type
        known_name = (after or {}).get("name")
        self.digest = hashlib.sha1(address.encode()).hexdigest()
        # A known name keeps ARNs readable; the digest keeps them unique across for_each keys.
        self.name = known_name if isinstance(known_name, str) and known_name else f"{_slug(address)}-{self.digest[:8]}"

    def uuid(self) -> str:
        d = self.digest
        return f"{d[:8]}-{d[8:12]}-4{d[13:16]}-8{d[17:20]}-{d[20:32]}"

    def arn(self) -> str:
        if self.resource_type == "aws_kms_key":
            return f"arn:aws:kms:{FAKE_REGION}:{FAKE_ACCOUNT}:key/{self.uuid()}"
        if self.resource_type in _EC2_ID_PREFIX:
            return f"arn:aws:ec2:{FAKE_REGION}:{FAKE_ACCOUNT}:{self.resource_type[4:].replace('_', '-')}/{self.id()}"
        for prefix, service, segment, is_global in _ARN_SHAPES:
            if self.resource_type.startswith(prefix):
                region = "" if is_global else FAKE_REGION
                return f"arn:aws:{service}:{region}:{FAKE_ACCOUNT}:{segment}{self.name}"
        service = self.resource_type.split("_")[1] if "_" in self.resource_type else "unknown"
        return f"arn:aws:{service}:{FAKE_REGION}:{FAKE_ACCOUNT}:{self.name}"

    def id(self) -> str:
        prefix = _EC2_ID_PREFIX.get(self.resource_type)
        if prefix:
            return f"{prefix}-{self.digest[:17]}"
        if self.resource_type in _ID_IS_ARN:
            return self.arn()
        if self.resource_type == "aws_kms_key":
            return self.uuid()
        if self.resource_type == "aws_sqs_queue":
            return self.url()
        return self.name

    def url(self) -> str:
        return f"https://sqs.{FAKE_REGION}.amazonaws.com/{FAKE_ACCOUNT}/{self.name}"

    def string(self, attribute: str) -> str:
        if attribute == "arn" or attribute.endswith("_arn"):
            return self.arn()
        if attribute == "id":
            return self.id()
        if attribute == "name":
            return self.name
        if attribute in ("owner_id", "account_id"):
            return FAKE_ACCOUNT
        if attribute == "key_id":
            return self.uuid()
        if attribute == "url":
            return self.url()
        return f"{self.name}-{attribute.replace('_', '-')}"


def _empty_of(type_spec: Any) -> Any:
    if isinstance(type_spec, list) and type_spec and type_spec[0] in ("list", "set"):
        return []
    if isinstance(type_spec, list) and type_spec and type_spec[0] == "map":
        return {}
    return None


def _synth(type_spec: Any, attribute: str, stand_ins: StandIns, *, computed_only: bool) -> Any:
    """A stand-in for an unknown value of ``type_spec``.

    Computed-only attributes (and required ones whose configured value is a reference) get a
    stand-in. Optional+computed attributes the config may have left to AWS get the "nothing"
    value (empty collection or null) - what a resource created without them has: an omitted
    security group ``ingress`` stays empty, an omitted retry policy stays absent, and a route
    does not suddenly point at a NAT *instance*. ``id``, ``name`` and ``arn`` always get one,
    because other resources reference them.
    """
    if type_spec == "string":
        if computed_only or attribute in _ALWAYS_STAND_IN:
            return stand_ins.string(attribute)
        return None
    if type_spec == "number":
        return 1 if computed_only else None
    if type_spec == "bool":
        return False if computed_only else None
    if isinstance(type_spec, list) and type_spec and type_spec[0] == "object":
        return {k: _synth(t, k, stand_ins, computed_only=computed_only) for k, t in type_spec[1].items()}
    return _empty_of(type_spec)


def _merge_partial(value: Any, unknown: Any, type_spec: Any, attribute: str, stand_ins: StandIns) -> Any:
    """Fill the unknown parts of a partly known collection/object value."""
    if unknown is True:
        return _synth(type_spec, attribute, stand_ins, computed_only=True)
    if not isinstance(type_spec, list) or not type_spec:
        return value
    kind = type_spec[0]
    if kind in ("list", "set") and isinstance(value, list) and isinstance(unknown, list):
        out = list(value)
        for i, marker in enumerate(unknown):
            if i < len(out):
                out[i] = _merge_partial(out[i], marker, type_spec[1], attribute, stand_ins)
            elif marker is True:
                out.append(_synth(type_spec[1], attribute, stand_ins, computed_only=True))
        return out
    if kind == "map" and isinstance(value, dict) and isinstance(unknown, dict):
        return {k: _merge_partial(value.get(k), unknown.get(k), type_spec[1], k, stand_ins) for k in value}
    if kind == "object" and isinstance(unknown, dict):
        base = dict(value) if isinstance(value, dict) else {}
        return {
            k: _merge_partial(base.get(k), unknown.get(k), t, k, stand_ins) if k in unknown else base.get(k)
            for k, t in type_spec[1].items()
        }
    return value


def fill_block(block: Mapping[str, Any], after: Any, unknown: Any, stand_ins: StandIns) -> dict[str, Any]:
    """State attributes for one (nested) block: planned values plus stand-ins for unknowns."""
    after = after if isinstance(after, dict) else {}
    unknown = unknown if isinstance(unknown, dict) else {}
    out: dict[str, Any] = {}
    for name, attr in block.get("attributes", {}).items():
        value = after.get(name)
        marker = unknown.get(name)
        computed_only = bool(attr.get("computed")) and not attr.get("optional") and not attr.get("required")
        if marker is True:
            value = _synth(attr["type"], name, stand_ins, computed_only=computed_only or attr.get("required", False))
        elif marker:
            value = _merge_partial(value, marker, attr["type"], name, stand_ins)
        out[name] = value
    for name, block_type in block.get("block_types", {}).items():
        value = after.get(name)
        marker = unknown.get(name)
        nested = block_type["block"]
        mode = block_type["nesting_mode"]
        if marker is True:
            value = [] if mode in ("list", "set") else ({} if mode == "map" else None)
        elif mode in ("list", "set"):
            items = value if isinstance(value, list) else []
            markers = marker if isinstance(marker, list) else []
            value = [
                fill_block(nested, item, markers[i] if i < len(markers) else None, stand_ins)
                for i, item in enumerate(items)
            ]
        elif mode == "map":
            entries: dict[str, Any] = value if isinstance(value, dict) else {}
            marked: dict[str, Any] = marker if isinstance(marker, dict) else {}
            value = {k: fill_block(nested, v, marked.get(k), stand_ins) for k, v in entries.items()}
        elif value is not None or marker:
            value = fill_block(nested, value, marker, stand_ins)
        out[name] = value
    return out


def _split_address(change: Mapping[str, Any]) -> tuple[str | None, Any]:
    """(module address, index key) of one resource change."""
    return change.get("module_address"), change.get("index")


def synthesize_state(
    plan: Mapping[str, Any], provider_schemas: Mapping[str, Any], *, lineage: str | None = None, serial: int = 1
) -> dict[str, Any]:
    """A version-4 state in which every resource the plan creates or keeps already exists."""
    grouped: dict[tuple[str | None, str, str, str], dict[str, Any]] = {}
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed":
            continue
        body = change.get("change", {})
        after = body.get("after")
        if after is None:  # deleted or forgotten: nothing to stand in for
            continue
        provider = change["provider_name"]
        schema = provider_schemas.get(provider, {}).get("resource_schemas", {}).get(change["type"])
        if schema is None:
            continue
        stand_ins = StandIns(change["address"], change["type"], after)
        attributes = fill_block(schema["block"], after, body.get("after_unknown"), stand_ins)
        module, index = _split_address(change)
        key = (module, change["type"], change["name"], provider)
        entry = grouped.setdefault(
            key,
            {
                **({"module": module} if module else {}),
                "mode": "managed",
                "type": change["type"],
                "name": change["name"],
                "provider": f'provider["{provider}"]',
                "instances": [],
            },
        )
        instance: dict[str, Any] = {
            "schema_version": schema.get("version", 0),
            "attributes": attributes,
            "sensitive_attributes": [],
        }
        if index is not None:
            instance["index_key"] = index
        entry["instances"].append(instance)
    return {
        "version": 4,
        "terraform_version": plan.get("terraform_version", "1.0.0"),
        "serial": serial,
        "lineage": lineage or str(uuid.uuid4()),
        "outputs": {},
        "resources": list(grouped.values()),
        "check_results": None,
    }


def unknown_attributes(plan: Mapping[str, Any], watched: Mapping[str, Iterable[str]]) -> set[tuple[str, str]]:
    """(address, attribute) pairs the posture checks read that the plan does not know yet."""
    pending: set[tuple[str, str]] = set()
    for change in plan.get("resource_changes", []):
        attributes = watched.get(change.get("type", ""))
        if change.get("mode") != "managed" or not attributes:
            continue
        unknown = change.get("change", {}).get("after_unknown") or {}
        for attribute in attributes:
            if _contains_true(unknown.get(attribute)):
                pending.add((change["address"], attribute))
    return pending


def _contains_true(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, list):
        return any(_contains_true(m) for m in marker)
    if isinstance(marker, dict):
        return any(_contains_true(m) for m in marker.values())
    return False


def dump_state(state: Mapping[str, Any]) -> str:
    return json.dumps(state, indent=1, sort_keys=False)
