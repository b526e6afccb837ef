"""Shared helpers for the CKV_SBATCH_* custom checkov policies (registers no check itself).

checkov imports every ``.py`` in this folder as a *top-level* module (the folder is put on
``sys.path``), so this file has a project-unique name and the checks import it as
``sbatch_policy_lib``.

Values reach a check in three shapes and every helper here accepts all of them:
* HCL scan: attributes wrapped in lists (``conf["name"][0]``); ``jsonencode({...})`` arrives as
  a dict whose scalars are sometimes wrapped again (``"privileged": [true]``); references that
  checkov could not resolve arrive as strings (``"var.x"``, ``"aws_iam_role.job.arn"``,
  ``"[for k, v in ...]"``).
* plan scan: JSON attributes arrive as JSON strings; values Terraform only knows after apply
  arrive as the marker ``"true_after_unknown"`` — only for the attributes the worker marks
  (``checkov_worker.MARKED_ATTRIBUTES``); checkov's EVAL_TF_PLAN_AFTER_UNKNOWN is not used.
* either: heredoc JSON strings.

A check must never guess: when a value it needs is not known it returns UNKNOWN and records why
with :func:`unknown`. The posture runner reads that reason (checkov itself drops UNKNOWN
results) and fails the gate unless another scan of the same resource evaluated the check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from checkov.terraform.parser_functions import handle_dynamic_values

AFTER_UNKNOWN = "true_after_unknown"
DETAIL_PREFIX = "sbatch-unknown"
GUIDELINE_BASE = "docs/posture.md"

# Kinds of "could not evaluate"; the runner treats them differently.
UNRESOLVED = "unresolved"  # the scanner could not resolve a value (HCL expression, missing input)
AFTER_APPLY = "after-apply"  # Terraform itself only knows it after apply
DELEGATED = "delegated"  # value is a reference to a policy document that is checked on its own
NOT_CREATED = "not-created"  # count = 0: the resource does not exist


class Unresolved(Exception):
    """Raised inside a check when a value it needs is not known; turned into UNKNOWN."""

    def __init__(self, kind: str, why: str) -> None:
        super().__init__(why)
        self.kind = kind
        self.why = why


def guideline(check_id: str) -> str:
    return f"{GUIDELINE_BASE}#{check_id.lower()}"


def unknown(check: Any, kind: str, why: str) -> CheckResult:
    check.details.append(f"{DETAIL_PREFIX}:{kind}: {why}")
    return CheckResult.UNKNOWN


def failed(check: Any, *reasons: str) -> CheckResult:
    check.details.extend(reasons)
    return CheckResult.FAILED


def run_safely(check: Any, body: Any, conf: dict[str, Any]) -> CheckResult:
    """Run a check body; an Unresolved becomes UNKNOWN with a reason, a crash becomes UNKNOWN too.

    checkov re-raises exceptions from checks, which would abort a whole file; a crash must
    instead surface as "did not evaluate" so the coverage gate reports it.
    """
    try:
        return body(conf)
    except Unresolved as gap:
        return unknown(check, gap.kind, gap.why)
    except Exception as error:
        return unknown(check, UNRESOLVED, f"check crashed: {type(error).__name__}: {error}")


# --------------------------------------------------------------------------------------------
# Value shapes
# --------------------------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"""^(
        (var|local|module|data|each|count|self|path|terraform)\.   # Terraform namespaces
      | [a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]*\])*\.  # resource attribute: aws_x.name.attr
      | \[\s*for\s | \{\s*for\s                                   # for expressions
      | [a-z_][a-z0-9_:]*\(                                        # function calls: merge(...), provider::...
    )""",
    re.VERBOSE,
)
_RESOURCE_REFERENCE = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]*\])*\.[\w.]+$")


def is_after_unknown(value: Any) -> bool:
    value = scalar(value)
    return isinstance(value, str) and value == AFTER_UNKNOWN


def is_unresolved(value: Any) -> bool:
    """A string that is an unevaluated Terraform expression rather than a value."""
    value = scalar(value)
    if not isinstance(value, str):
        return False
    return value == AFTER_UNKNOWN or "${" in value or bool(_REFERENCE.match(value.strip()))


def is_resource_reference(value: Any) -> bool:
    """``aws_iam_role.job.arn``: unresolved in HCL, but it names exactly one resource."""
    value = scalar(value)
    return isinstance(value, str) and bool(_RESOURCE_REFERENCE.match(value.strip()))


def scalar(value: Any) -> Any:
    """Unwrap checkov's one-element list wrapping: ``[[true]]`` -> ``True``."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def first(conf: dict[str, Any], key: str) -> Any:
    """``conf[key]`` without checkov's list wrapper (None when absent)."""
    value = conf.get(key)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def as_list(value: Any) -> list[Any]:
    """A list attribute, tolerant of single-item wrapping and of a lone item."""
    if value is None:
        return []
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], list):
            return as_list(value[0])
        return value
    return [value]


def blocks(conf: Any, key: str) -> list[dict[str, Any]]:
    """Nested blocks ``key { ... }`` as a list of dicts (plan ``[[]]`` empties dropped)."""
    if not isinstance(conf, dict):
        return []
    out: list[dict[str, Any]] = []
    for item in as_list(conf.get(key)):
        item = scalar(item)
        if isinstance(item, dict) and item:
            out.append(item)
    return out


def as_bool(value: Any, what: str) -> bool | None:
    """True/False for booleans (also "true"/"false" strings); None if absent; raise if unresolved."""
    value = scalar(value)
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, str) and value == AFTER_UNKNOWN:
        raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
    raise Unresolved(UNRESOLVED, f"{what} is not a boolean: {value!r}")


def as_text(value: Any, what: str, *, allow_reference: bool = False) -> str | None:
    """A string value; None if absent; raise if it is an unresolved expression."""
    value = scalar(value)
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Unresolved(UNRESOLVED, f"{what} is not a string: {value!r}")
    if value == AFTER_UNKNOWN:
        raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
    if is_unresolved(value) and not (allow_reference and is_resource_reference(value)):
        raise Unresolved(UNRESOLVED, f"{what} is an unresolved expression: {value}")
    return value


def as_number(value: Any, what: str) -> float | None:
    value = scalar(value)
    if value is None or value == []:
        return None
    if isinstance(value, bool):
        raise Unresolved(UNRESOLVED, f"{what} is not a number: {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        if value == AFTER_UNKNOWN:
            raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
        try:
            return float(value)
        except ValueError:
            raise Unresolved(UNRESOLVED, f"{what} is not a number: {value}") from None
    raise Unresolved(UNRESOLVED, f"{what} is not a number: {value!r}")


def json_document(value: Any, what: str) -> Any:
    """A JSON-typed attribute (jsonencode dict, heredoc, plan string) as Python data.

    Returns None when the attribute is absent. Raises Unresolved when it cannot be read.
    """
    value = scalar(value)
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, str):
        if value == AFTER_UNKNOWN:
            raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
        text = value.strip()
        if text.startswith(("{", "[")):
            try:
                return json.loads(text)
            except ValueError:
                pass
        if text.startswith("data.aws_iam_policy_document."):
            raise Unresolved(DELEGATED, f"{what} is {text}; that document is checked on its own")
        raise Unresolved(UNRESOLVED, f"{what} is not resolvable JSON: {text[:120]}")
    raise Unresolved(UNRESOLVED, f"{what} has an unexpected shape: {type(value).__name__}")


def get(mapping: Any, *keys: str) -> Any:
    """Case-sensitive lookup with checkov's list wrapping peeled at every level."""
    current = scalar(mapping)
    for key in keys:
        if not isinstance(current, dict):
            return None
        current = scalar(current.get(key))
    return current


def items(value: Any, what: str) -> list[Any]:
    """A JSON list field (environment, containers, ...); raise if it is an unresolved expression."""
    if value is None:
        return []
    if isinstance(value, str):
        if value == AFTER_UNKNOWN:
            raise Unresolved(AFTER_APPLY, f"{what} is known only after apply")
        raise Unresolved(UNRESOLVED, f"{what} is an unresolved expression: {value[:120]}")
    if isinstance(value, dict):
        return [value]
    out: list[Any] = []
    for item in value:
        if isinstance(item, list) and len(item) == 1:
            item = item[0]
        if isinstance(item, str) and is_unresolved(item):
            raise Unresolved(UNRESOLVED, f"{what} is an unresolved expression: {item[:120]}")
        out.append(item)
    return out


# --------------------------------------------------------------------------------------------
# Batch job definitions
# --------------------------------------------------------------------------------------------


@dataclass
class Container:
    """One container of a job definition, normalised across container/ECS/node/EKS shapes."""

    label: str
    raw: dict[str, Any]
    kind: str  # container | ecs | node | eks
    privileged: Any = None
    readonly_root: Any = None
    environment: Any = None  # list of {name, value} dicts (or an unresolved string)
    job_role: Any = None
    execution_role: Any = None
    assign_public_ip: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def _container_fields(label: str, kind: str, c: dict[str, Any], task: dict[str, Any] | None) -> Container:
    owner = task if task is not None else c
    return Container(
        label=label,
        raw=c,
        kind=kind,
        privileged=get(c, "privileged"),
        readonly_root=get(c, "readonlyRootFilesystem"),
        environment=scalar(c.get("environment")) if isinstance(c.get("environment"), str) else c.get("environment"),
        job_role=get(owner, "taskRoleArn") if task is not None else get(c, "jobRoleArn"),
        execution_role=get(owner, "executionRoleArn"),
        assign_public_ip=get(owner, "networkConfiguration", "assignPublicIp"),
    )


def _ecs_containers(prefix: str, ecs: Any) -> list[Container]:
    out: list[Container] = []
    for t_index, task in enumerate(items(get(ecs, "taskProperties"), f"{prefix}.taskProperties")):
        if not isinstance(task, dict):
            raise Unresolved(UNRESOLVED, f"{prefix}.taskProperties[{t_index}] is not an object")
        containers = items(task.get("containers"), f"{prefix}.taskProperties[{t_index}].containers")
        if not containers:
            raise Unresolved(UNRESOLVED, f"{prefix}.taskProperties[{t_index}] has no containers")
        for c_index, c in enumerate(containers):
            if not isinstance(c, dict):
                raise Unresolved(UNRESOLVED, f"{prefix}.taskProperties[{t_index}].containers[{c_index}] unreadable")
            name = get(c, "name") or c_index
            label = f"{prefix}.taskProperties[{t_index}].containers[{name}]"
            out.append(_container_fields(label, "ecs", c, task))
    return out


def _eks_containers(conf: dict[str, Any]) -> list[Container]:
    out: list[Container] = []
    for eks in blocks(conf, "eks_properties"):
        for pod in blocks(eks, "pod_properties"):
            for kind in ("containers", "init_containers"):
                for index, c in enumerate(blocks(pod, kind)):
                    sc = (blocks(c, "security_context") or [{}])[0]
                    env = [{"name": scalar(e.get("name")), "value": scalar(e.get("value"))} for e in blocks(c, "env")]
                    out.append(
                        Container(
                            label=f"eks_properties.pod_properties.{kind}[{scalar(c.get('name')) or index}]",
                            raw=c,
                            kind="eks",
                            privileged=scalar(sc.get("privileged")),
                            readonly_root=scalar(sc.get("read_only_root_file_system")),
                            environment=env,
                            job_role=scalar(pod.get("service_account_name")),
                            execution_role=None,
                        )
                    )
    return out


def job_containers(conf: dict[str, Any]) -> list[Container]:
    """Every container a job definition runs. Raises Unresolved if any part is unreadable."""
    out: list[Container] = []
    found_any = False
    cp = json_document(conf.get("container_properties"), "container_properties")
    if cp is not None:
        found_any = True
        if not isinstance(cp, dict):
            raise Unresolved(UNRESOLVED, "container_properties is not an object")
        out.append(_container_fields("container_properties", "container", cp, None))
    ecs = json_document(conf.get("ecs_properties"), "ecs_properties")
    if ecs is not None:
        found_any = True
        out.extend(_ecs_containers("ecs_properties", ecs))
    nodes = json_document(conf.get("node_properties"), "node_properties")
    if nodes is not None:
        found_any = True
        for index, node_range in enumerate(items(get(nodes, "nodeRangeProperties"), "nodeRangeProperties")):
            prefix = f"node_properties.nodeRangeProperties[{index}]"
            container = get(node_range, "container")
            if isinstance(container, dict):
                out.append(_container_fields(f"{prefix}.container", "node", container, None))
            ecs_props = get(node_range, "ecsProperties")
            if isinstance(ecs_props, dict):
                out.extend(_ecs_containers(f"{prefix}.ecsProperties", ecs_props))
    eks = _eks_containers(conf)
    if eks:
        found_any = True
        out.extend(eks)
    if not found_any:
        raise Unresolved(UNRESOLVED, "job definition has no container, ECS, node or EKS properties to inspect")
    if not out:
        raise Unresolved(UNRESOLVED, "job definition properties contain no container")
    return out


def environment_pairs(container: Container) -> list[tuple[str, Any]]:
    """(name, value) of a container's plain environment; raise if the list is unresolved."""
    pairs: list[tuple[str, Any]] = []
    for index, entry in enumerate(items(container.environment, f"{container.label}.environment")):
        if not isinstance(entry, dict):
            raise Unresolved(UNRESOLVED, f"{container.label}.environment[{index}] is not an object")
        name = as_text(entry.get("name"), f"{container.label}.environment[{index}].name")
        pairs.append((name or "", scalar(entry.get("value"))))
    return pairs


# --------------------------------------------------------------------------------------------
# IAM documents
# --------------------------------------------------------------------------------------------


@dataclass
class Statement:
    effect: str
    actions: list[str]
    not_actions: list[str]
    principals: dict[str, list[str]]  # {"Service": [...], "AWS": [...]} (NotPrincipal merged in)
    conditions: list[tuple[str, str, list[str]]]  # (operator, key, values)
    label: str


def _strings(value: Any, what: str, *, strict: bool = True) -> list[str]:
    """String list; an unresolved element raises when ``strict`` (else it is kept verbatim)."""
    out: list[str] = []
    for item in as_list(value):
        item = scalar(item)
        if isinstance(item, list):
            out.extend(_strings(item, what, strict=strict))
        elif isinstance(item, str):
            if strict and is_unresolved(item) and not is_resource_reference(item):
                raise Unresolved(AFTER_APPLY if item == AFTER_UNKNOWN else UNRESOLVED, f"{what}: {item[:100]}")
            out.append(item)
        elif item is not None:
            out.append(str(item))
    return out


def json_statements(document: Any, what: str) -> list[Statement]:
    """Statements of a JSON policy document (identity, trust or resource policy)."""
    if not isinstance(document, dict):
        raise Unresolved(UNRESOLVED, f"{what} is not a policy document")
    out: list[Statement] = []
    raw = document.get("Statement")
    statements = raw if isinstance(raw, list) else [raw] if raw is not None else []
    for index, st in enumerate(statements):
        st = scalar(st)
        label = f"{what}.Statement[{get(st, 'Sid') or index}]" if isinstance(st, dict) else what
        if not isinstance(st, dict):
            raise Unresolved(UNRESOLVED, f"{label} is not an object")
        principals: dict[str, list[str]] = {}
        for key in ("Principal", "NotPrincipal"):
            principal = scalar(st.get(key))
            if isinstance(principal, str):
                principals.setdefault("*", []).append(principal)
            elif isinstance(principal, dict):
                for ptype, values in principal.items():
                    principals.setdefault(ptype, []).extend(_strings(values, f"{label}.{key}.{ptype}"))
        conditions: list[tuple[str, str, list[str]]] = []
        cond = scalar(st.get("Condition"))
        if isinstance(cond, dict):
            for operator, pairs in cond.items():
                pairs = scalar(pairs)
                if isinstance(pairs, dict):
                    for key, values in pairs.items():
                        conditions.append(
                            (operator, key, _strings(values, f"{label}.Condition.{operator}.{key}", strict=False))
                        )
        elif cond is not None:
            raise Unresolved(UNRESOLVED, f"{label}.Condition is unreadable: {cond!r}")
        effect = scalar(st.get("Effect"))
        out.append(
            Statement(
                effect=str(effect or "Allow"),
                actions=_strings(st.get("Action"), f"{label}.Action"),
                not_actions=_strings(st.get("NotAction"), f"{label}.NotAction"),
                principals=principals,
                conditions=conditions,
                label=label,
            )
        )
    return out


def _substitute(node: Any, iterator: str, item: Any) -> Any:
    """Replace ``<iterator>.value[.key]`` strings in a dynamic block's content with the item."""
    if isinstance(node, dict):
        return {k: _substitute(v, iterator, item) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, iterator, item) for v in node]
    if isinstance(node, str):
        text = node.strip().removeprefix("${").removesuffix("}")
        if text == f"{iterator}.value":
            return item
        if text.startswith(f"{iterator}.value."):
            key = text.removeprefix(f"{iterator}.value.")
            if isinstance(item, dict) and key in item:
                return item[key]
            raise Unresolved(UNRESOLVED, f"dynamic {iterator}: cannot read {text} from {item!r}")
    return node


def expand_dynamic_statements(conf: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """``dynamic "statement"`` blocks of a policy document, expanded when their for_each is known.

    checkov expands dynamic blocks of resources but hands data sources over raw:
    ``{"dynamic": [{"statement": {"for_each": [...], "content": [{...}]}}]}``.
    """
    out: list[dict[str, Any]] = []
    for dyn in as_list(conf.get("dynamic")):
        dyn = scalar(dyn)
        if not isinstance(dyn, dict) or "statement" not in dyn:
            continue
        spec = scalar(dyn["statement"])
        if not isinstance(spec, dict):
            raise Unresolved(UNRESOLVED, f"{what} has a dynamic statement block the scanner did not expand")
        iterator = scalar(spec.get("iterator")) or "statement"
        for_each = spec.get("for_each")
        if isinstance(for_each, list) and len(for_each) == 1 and isinstance(for_each[0], (list, dict)):
            for_each = for_each[0]
        if isinstance(for_each, dict):
            for_each = list(for_each.values())
        if isinstance(for_each, str) or not isinstance(for_each, list):
            raise Unresolved(UNRESOLVED, f"{what}: dynamic statement for_each is unresolved: {str(for_each)[:100]}")
        content = spec.get("content")
        content = content[0] if isinstance(content, list) and content else content
        if not isinstance(content, dict):
            raise Unresolved(UNRESOLVED, f"{what}: dynamic statement content is unreadable")
        for item in for_each:
            out.append(_substitute(content, str(iterator), item))
    return out


def document_statements(conf: dict[str, Any], what: str = "data.aws_iam_policy_document") -> list[Statement]:
    """Statements of a ``data "aws_iam_policy_document"`` block, including merged source documents."""
    out: list[Statement] = []
    for key in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
        for index, doc in enumerate(as_list(conf.get(key))):
            out.extend(json_statements(json_document(doc, f"{what}.{key}[{index}]"), f"{what}.{key}[{index}]"))
    statement_blocks = blocks(conf, "statement") + expand_dynamic_statements(conf, what)
    for index, st in enumerate(statement_blocks):
        label = f"{what}.statement[{scalar(st.get('sid')) or index}]"
        principals: dict[str, list[str]] = {}
        for key in ("principals", "not_principals"):
            for p in blocks(st, key):
                ptype = as_text(p.get("type"), f"{label}.{key}.type") or "*"
                principals.setdefault(ptype, []).extend(_strings(p.get("identifiers"), f"{label}.{key}.identifiers"))
        conditions = [
            (
                as_text(c.get("test"), f"{label}.condition.test") or "",
                as_text(c.get("variable"), f"{label}.condition.variable", allow_reference=True) or "",
                _strings(c.get("values"), f"{label}.condition.values", strict=False),
            )
            for c in blocks(st, "condition")
        ]
        out.append(
            Statement(
                effect=as_text(st.get("effect"), f"{label}.effect") or "Allow",
                actions=_strings(st.get("actions"), f"{label}.actions"),
                not_actions=_strings(st.get("not_actions"), f"{label}.not_actions"),
                principals=principals,
                conditions=conditions,
                label=label,
            )
        )
    return out


def iter_allow(statements: list[Statement]) -> Iterator[Statement]:
    for st in statements:
        if st.effect.strip().lower() == "allow":
            yield st


# --------------------------------------------------------------------------------------------
# Base classes
# --------------------------------------------------------------------------------------------


class SBatchResourceCheck(BaseResourceCheck):
    """A resource check whose ``evaluate(conf, resource_type)`` may raise Unresolved."""

    check_id = ""
    title = ""
    resource_types: tuple[str, ...] = ()
    category = CheckCategories.GENERAL_SECURITY

    def __init__(self) -> None:
        super().__init__(
            name=self.title,
            id=self.check_id,
            categories=(self.category,),
            supported_resources=self.resource_types,
            guideline=guideline(self.check_id),
        )

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        self.entity_type = entity_type
        if conf.get("count") == [0]:
            return unknown(self, NOT_CREATED, "count = 0")
        handle_dynamic_values(conf)
        return run_safely(self, lambda c: self.evaluate(c, entity_type), conf)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:  # pragma: no cover - not used
        return run_safely(self, lambda c: self.evaluate(c, self.entity_type), conf)

    def evaluate(self, conf: dict[str, Any], resource_type: str) -> CheckResult:
        raise NotImplementedError


class SBatchDataCheck(BaseDataCheck):
    """A data-source check whose ``evaluate(conf, data_type)`` may raise Unresolved."""

    check_id = ""
    title = ""
    data_types: tuple[str, ...] = ()
    category = CheckCategories.IAM

    def __init__(self) -> None:
        super().__init__(
            name=self.title,
            id=self.check_id,
            categories=(self.category,),
            supported_data=self.data_types,
            guideline=guideline(self.check_id),
        )

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        self.entity_type = entity_type
        if conf.get("count") == [0]:
            return unknown(self, NOT_CREATED, "count = 0")
        return run_safely(self, lambda c: self.evaluate(c, entity_type), conf)

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:  # pragma: no cover - not used
        return run_safely(self, lambda c: self.evaluate(c, self.entity_type), conf)

    def evaluate(self, conf: dict[str, Any], data_type: str) -> CheckResult:
        raise NotImplementedError
