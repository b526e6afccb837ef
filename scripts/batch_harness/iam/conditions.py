"""The Condition element: operators, ...IfExists, ForAnyValue:/ForAllValues:, Null.

Semantics (IAM User Guide, "Condition operators" and "multivalued context keys"):
- every operator in a block must hold, and every key under an operator must hold (AND);
- several policy values for one key: a positive operator holds if any value matches (OR); a
  negated operator (StringNotEquals, ArnNotLike, ...) holds if no value matches;
- key absent from the request: positive operators are false, negated ones true, ``...IfExists``
  true, ``ForAllValues:`` true, ``ForAnyValue:`` false, ``Null`` tests exactly that absence;
- ``ForAllValues:`` holds if every request value satisfies the operator, ``ForAnyValue:`` if at
  least one does; a multi-valued key under a plain operator behaves like ``ForAnyValue:`` for
  positive and ``ForAllValues:`` for negated operators (i.e. the negation of the positive test);
- a policy value whose variable cannot be resolved never matches, and makes a negated operator
  false (AWS: an unresolvable variable may make the whole statement invalid);
- policy variables are substituted in String, ARN and Bool conditions ("IAM policy elements:
  Variables and tags": "You can use policy variables ... with the string, ARN and Boolean
  condition operators"); Numeric, Date, IP and Binary values are taken literally;
- a request value that cannot be read as the operator's type (a number, a date, an IP address, an
  ARN) matches no operator of that family, negated ones included (the IAM policy simulator's
  behaviour): ``NumericNotEquals`` with request value ``"abc"`` does not hold.
"""

from __future__ import annotations

import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .errors import PolicyError
from .patterns import ContextView, arn_matches, compile_pattern, resolve_variables, scalar_to_str

# A comparator answers "does request value `actual` match policy value `expected`?";
# None = the policy value could not be resolved (unknown variable) or parsed, or the request value
# is not of the operator's type: no match, for negated operators too.
Comparator = Callable[[str, str, ContextView, bool], bool | None]


def _string(wildcards: bool, ignore_case: bool) -> Comparator:
    def compare(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
        compiled = compile_pattern(expected, ctx, wildcards=wildcards, variables=variables, ignore_case=ignore_case)
        if compiled is None:
            return None
        return compiled.fullmatch(actual) is not None

    return compare


def _arn(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
    # ArnEquals and ArnLike are the same test in IAM: per-part, case-sensitive, wildcards allowed.
    if variables and compile_pattern(expected, ctx, wildcards=True, variables=True) is None:
        return None
    parts = actual.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return arn_matches(expected, actual, ctx, variables=variables, require_arn=True)


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_EPOCH = re.compile(r"^-?\d+(\.\d+)?$")


def _parse_date(text: str) -> datetime | None:
    text = text.strip()
    try:
        if _EPOCH.match(text):
            return datetime.fromtimestamp(float(text), tz=UTC)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _ordered(parse: Callable[[str], Any], test: Callable[[Any, Any], bool]) -> Comparator:
    def compare(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
        want, got = parse(expected), parse(actual)
        if want is None or got is None:
            return None
        return test(got, want)

    return compare


def _bool(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
    resolved = resolve_variables(expected, ctx) if variables else expected
    if resolved is None:
        return None
    expected = resolved
    if expected.lower() not in ("true", "false"):
        return None
    return actual.lower() == expected.lower()


def _binary(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
    return actual == expected


def _ip(expected: str, actual: str, ctx: ContextView, variables: bool) -> bool | None:
    try:
        network = ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return None
    try:
        return ipaddress.ip_address(actual) in network
    except ValueError:
        return None


@dataclass(frozen=True)
class _Operator:
    compare: Comparator
    negated: bool


_EQ, _LT, _LE, _GT, _GE = operator.eq, operator.lt, operator.le, operator.gt, operator.ge

_OPERATORS: dict[str, _Operator] = {
    "stringequals": _Operator(_string(False, False), False),
    "stringnotequals": _Operator(_string(False, False), True),
    "stringequalsignorecase": _Operator(_string(False, True), False),
    "stringnotequalsignorecase": _Operator(_string(False, True), True),
    "stringlike": _Operator(_string(True, False), False),
    "stringnotlike": _Operator(_string(True, False), True),
    "numericequals": _Operator(_ordered(_parse_number, _EQ), False),
    "numericnotequals": _Operator(_ordered(_parse_number, _EQ), True),
    "numericlessthan": _Operator(_ordered(_parse_number, _LT), False),
    "numericlessthanequals": _Operator(_ordered(_parse_number, _LE), False),
    "numericgreaterthan": _Operator(_ordered(_parse_number, _GT), False),
    "numericgreaterthanequals": _Operator(_ordered(_parse_number, _GE), False),
    "dateequals": _Operator(_ordered(_parse_date, _EQ), False),
    "datenotequals": _Operator(_ordered(_parse_date, _EQ), True),
    "datelessthan": _Operator(_ordered(_parse_date, _LT), False),
    "datelessthanequals": _Operator(_ordered(_parse_date, _LE), False),
    "dategreaterthan": _Operator(_ordered(_parse_date, _GT), False),
    "dategreaterthanequals": _Operator(_ordered(_parse_date, _GE), False),
    "bool": _Operator(_bool, False),
    "binaryequals": _Operator(_binary, False),
    "ipaddress": _Operator(_ip, False),
    "notipaddress": _Operator(_ip, True),
    "arnequals": _Operator(_arn, False),
    "arnlike": _Operator(_arn, False),
    "arnnotequals": _Operator(_arn, True),
    "arnnotlike": _Operator(_arn, True),
}

_VARIABLE_OPERATORS = ("string", "arn", "bool")  # policy variables are substituted only for these families


@dataclass(frozen=True)
class ConditionResult:
    holds: bool
    failure: str | None = None  # human text naming the first operator/key that did not hold


def _parse_operator_name(name: str) -> tuple[str | None, str, bool]:
    set_prefix: str | None = None
    base = name
    if ":" in name:
        prefix, base = name.split(":", 1)
        if prefix.lower() not in ("foranyvalue", "forallvalues"):
            raise PolicyError(f"unknown condition set operator {prefix!r} in {name!r}")
        set_prefix = prefix.lower()
    if_exists = base.lower().endswith("ifexists")
    if if_exists:
        base = base[: -len("IfExists")]
    return set_prefix, base.lower(), if_exists


def _policy_values(raw: object, where: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    try:
        return [scalar_to_str(v) for v in items]
    except TypeError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def evaluate_condition(condition: Mapping[str, object] | None, ctx: ContextView, variables: bool) -> ConditionResult:
    if not condition:
        return ConditionResult(True)
    if not isinstance(condition, Mapping):
        raise PolicyError(f"Condition must be an object, got {condition!r}")
    for op_name, keys in condition.items():
        if not isinstance(keys, Mapping):
            raise PolicyError(f"Condition operator {op_name!r} must map keys to values, got {keys!r}")
        for key, raw in keys.items():
            values = _policy_values(raw, f"{op_name} {key}")
            if not _holds(op_name, key, values, ctx, variables):
                return ConditionResult(False, _describe_failure(op_name, key, values, ctx))
    return ConditionResult(True)


def _holds(op_name: str, key: str, expected: list[str], ctx: ContextView, variables: bool) -> bool:
    set_prefix, base, if_exists = _parse_operator_name(op_name)
    actual = ctx.get(key)
    present = bool(actual)

    if base == "null":
        if if_exists:
            raise PolicyError("the Null operator cannot take IfExists")
        return any((value.lower() == "true") == (not present) for value in expected)

    op = _OPERATORS.get(base)
    if op is None:
        raise PolicyError(f"unknown condition operator {op_name!r}")
    use_variables = variables and base.startswith(_VARIABLE_OPERATORS)

    if not present:
        if if_exists or set_prefix == "forallvalues":
            return True
        if set_prefix == "foranyvalue":
            return False
        return op.negated

    def satisfied(value: str) -> bool:
        results = [op.compare(e, value, ctx, use_variables) for e in expected]
        if op.negated:
            return None not in results and not any(results)
        return any(r is True for r in results)

    assert actual is not None
    if set_prefix == "forallvalues":
        return all(satisfied(v) for v in actual)
    if set_prefix == "foranyvalue":
        return any(satisfied(v) for v in actual)
    if op.negated:
        return all(satisfied(v) for v in actual)
    return any(satisfied(v) for v in actual)


def _describe_failure(op_name: str, key: str, expected: list[str], ctx: ContextView) -> str:
    actual = ctx.get(key)
    got = "the key is absent from the request" if not actual else f"request has {_fmt(actual)}"
    return f"condition {op_name} {key} {_fmt(expected)} not met ({got})"


def _fmt(values: list[str]) -> str:
    quoted = [f'"{v}"' for v in values]
    return quoted[0] if len(quoted) == 1 else "[" + ", ".join(quoted) + "]"
