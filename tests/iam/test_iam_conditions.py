"""Table-driven tests of the Condition element, operator by operator.

Row: (id, condition block, request context, expected). The block is evaluated as a 2012-10-17
document (policy variables on) unless the id says otherwise.
"""

from __future__ import annotations

import pytest

from batch_harness.iam import PolicyError
from batch_harness.iam.conditions import evaluate_condition
from batch_harness.iam.patterns import ContextView

ACCT = "111122223333"
SCHED = f"arn:aws:scheduler:us-east-1:{ACCT}:schedule/demo/nightly"

CASES = [
    # String
    ("StringEquals-match", {"StringEquals": {"aws:SourceAccount": ACCT}}, {"aws:SourceAccount": ACCT}, True),
    ("StringEquals-other", {"StringEquals": {"aws:SourceAccount": ACCT}}, {"aws:SourceAccount": "444455556666"}, False),
    ("StringEquals-missing", {"StringEquals": {"aws:SourceAccount": ACCT}}, {}, False),
    ("StringEquals-case-sensitive", {"StringEquals": {"k": "Value"}}, {"k": "value"}, False),
    ("StringEquals-no-wildcards", {"StringEquals": {"k": "a*"}}, {"k": "abc"}, False),
    ("StringEquals-any-of-values", {"StringEquals": {"k": ["x", "y"]}}, {"k": "y"}, True),
    ("StringNotEquals-match", {"StringNotEquals": {"k": ["x", "y"]}}, {"k": "z"}, True),
    ("StringNotEquals-hit", {"StringNotEquals": {"k": ["x", "y"]}}, {"k": "y"}, False),
    ("StringNotEquals-missing-true", {"StringNotEquals": {"k": "x"}}, {}, True),
    ("StringEqualsIgnoreCase", {"StringEqualsIgnoreCase": {"k": "VALUE"}}, {"k": "value"}, True),
    ("StringNotEqualsIgnoreCase", {"StringNotEqualsIgnoreCase": {"k": "VALUE"}}, {"k": "value"}, False),
    ("StringLike-star", {"StringLike": {"s3:prefix": "home/*"}}, {"s3:prefix": "home/alice/x"}, True),
    ("StringLike-qmark", {"StringLike": {"k": "v?"}}, {"k": "v10"}, False),
    ("StringLike-case-sensitive", {"StringLike": {"k": "Home/*"}}, {"k": "home/x"}, False),
    ("StringLike-regex-chars-literal", {"StringLike": {"k": "a.b+c"}}, {"k": "aXbbc"}, False),
    ("StringNotLike-match", {"StringNotLike": {"k": "prod-*"}}, {"k": "dev-1"}, True),
    ("StringNotLike-hit", {"StringNotLike": {"k": "prod-*"}}, {"k": "prod-1"}, False),
    ("StringNotLike-missing-true", {"StringNotLike": {"k": "prod-*"}}, {}, True),
    # Numeric
    ("NumericEquals", {"NumericEquals": {"n": "10"}}, {"n": "10.0"}, True),
    ("NumericNotEquals", {"NumericNotEquals": {"n": "10"}}, {"n": "11"}, True),
    ("NumericLessThan", {"NumericLessThan": {"n": 10}}, {"n": "9"}, True),
    ("NumericLessThan-equal", {"NumericLessThan": {"n": 10}}, {"n": "10"}, False),
    ("NumericLessThanEquals", {"NumericLessThanEquals": {"n": "10"}}, {"n": "10"}, True),
    ("NumericGreaterThan", {"NumericGreaterThan": {"n": "10"}}, {"n": "9"}, False),
    ("NumericGreaterThanEquals", {"NumericGreaterThanEquals": {"n": "10"}}, {"n": "10"}, True),
    ("Numeric-not-a-number", {"NumericLessThan": {"n": "10"}}, {"n": "ten"}, False),
    # Date
    (
        "DateLessThan",
        {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-05-01T12:00:00Z"},
        True,
    ),
    (
        "DateGreaterThan",
        {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
        {"aws:CurrentTime": "2026-05-01T12:00:00Z"},
        False,
    ),
    (
        "DateEquals-epoch-vs-iso",
        {"DateEquals": {"aws:EpochTime": "2020-01-01T00:00:00Z"}},
        {"aws:EpochTime": "1577836800"},
        True,
    ),
    ("DateNotEquals", {"DateNotEquals": {"d": "2020-01-01T00:00:00Z"}}, {"d": "2020-01-02T00:00:00Z"}, True),
    (
        "DateLessThanEquals-offset",
        {"DateLessThanEquals": {"d": "2020-01-01T01:00:00+01:00"}},
        {"d": "2020-01-01T00:00:00Z"},
        True,
    ),
    ("DateGreaterThanEquals", {"DateGreaterThanEquals": {"d": "2020-01-01"}}, {"d": "2019-12-31T23:59:59Z"}, False),
    # Bool / Binary / IP
    ("Bool-true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"}, True),
    ("Bool-json-true", {"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": "TRUE"}, True),
    ("Bool-false", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "false"}, False),
    ("Bool-missing", {"Bool": {"aws:SecureTransport": "false"}}, {}, False),
    ("BinaryEquals", {"BinaryEquals": {"b": "QmluYXJ5"}}, {"b": "QmluYXJ5"}, True),
    ("IpAddress-in", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"}, True),
    ("IpAddress-out", {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "192.168.0.1"}, False),
    ("NotIpAddress-out", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "192.168.0.1"}, True),
    # ARN
    ("ArnEquals", {"ArnEquals": {"aws:SourceArn": SCHED}}, {"aws:SourceArn": SCHED}, True),
    (
        "ArnLike-wildcard",
        {"ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCT}:schedule/demo/*"}},
        {"aws:SourceArn": SCHED},
        True,
    ),
    (
        "ArnLike-other-account",
        {"ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCT}:schedule/*"}},
        {"aws:SourceArn": SCHED.replace(ACCT, "444455556666")},
        False,
    ),
    (
        "ArnLike-segment-bounded",
        {"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:schedule/demo/nightly"}},
        {"aws:SourceArn": SCHED},
        False,
    ),
    ("ArnLike-not-an-arn", {"ArnLike": {"aws:SourceArn": "*"}}, {"aws:SourceArn": "not-an-arn"}, False),
    ("ArnLike-case-sensitive", {"ArnLike": {"aws:SourceArn": SCHED.upper()}}, {"aws:SourceArn": SCHED}, False),
    ("ArnNotEquals", {"ArnNotEquals": {"aws:SourceArn": SCHED}}, {"aws:SourceArn": SCHED + "x"}, True),
    (
        "ArnNotLike-hit",
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:schedule/*"}},
        {"aws:SourceArn": SCHED},
        False,
    ),
    ("ArnNotLike-missing-true", {"ArnNotLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:schedule/*"}}, {}, True),
    # Null
    ("Null-true-absent", {"Null": {"aws:TokenIssueTime": "true"}}, {}, True),
    (
        "Null-true-present",
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"},
        False,
    ),
    ("Null-false-present", {"Null": {"aws:TokenIssueTime": False}}, {"aws:TokenIssueTime": "x"}, True),
    ("Null-false-absent", {"Null": {"aws:TokenIssueTime": "false"}}, {}, False),
    # IfExists
    ("IfExists-missing", {"StringEqualsIfExists": {"k": "x"}}, {}, True),
    ("IfExists-present-mismatch", {"StringEqualsIfExists": {"k": "x"}}, {"k": "y"}, False),
    ("IfExists-numeric", {"NumericLessThanIfExists": {"n": "5"}}, {"n": "7"}, False),
    ("IfExists-arn-missing", {"ArnLikeIfExists": {"aws:SourceArn": SCHED}}, {}, True),
    # Set operators
    (
        "ForAnyValue-one-matches",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["cost", "team"]},
        True,
    ),
    (
        "ForAnyValue-none-match",
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}},
        {"aws:TagKeys": ["cost", "team"]},
        False,
    ),
    ("ForAnyValue-missing-false", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}, {}, False),
    ("ForAnyValue-empty-false", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env"]}}, {"aws:TagKeys": []}, False),
    (
        "ForAllValues-all-match",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["team", "env"]},
        True,
    ),
    (
        "ForAllValues-one-extra",
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        {"aws:TagKeys": ["env", "cost"]},
        False,
    ),
    ("ForAllValues-missing-true", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}, {}, True),
    ("ForAllValues-empty-true", {"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}, {"aws:TagKeys": []}, True),
    (
        "ForAllValues-StringLike",
        {"ForAllValues:StringLike": {"aws:TagKeys": ["app-*"]}},
        {"aws:TagKeys": ["app-a", "app-b"]},
        True,
    ),
    (
        "ForAllValues-StringNotEquals",
        {"ForAllValues:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["a", "secret"]},
        False,
    ),
    (
        "ForAnyValue-StringNotEquals",
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["secret"]}},
        {"aws:TagKeys": ["a", "secret"]},
        True,
    ),
    ("ForAnyValue-IfExists-missing", {"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": ["env"]}}, {}, True),
    ("plain-positive-on-multivalue-any", {"StringEquals": {"k": "b"}}, {"k": ["a", "b"]}, True),
    ("plain-negated-on-multivalue-all", {"StringNotEquals": {"k": "b"}}, {"k": ["a", "b"]}, False),
    # Combination rules
    ("two-keys-AND-both", {"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "2"}, True),
    ("two-keys-AND-one", {"StringEquals": {"a": "1", "b": "2"}}, {"a": "1", "b": "3"}, False),
    (
        "two-operators-AND",
        {"StringEquals": {"aws:SourceAccount": ACCT}, "ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:schedule/*"}},
        {"aws:SourceAccount": ACCT, "aws:SourceArn": SCHED},
        True,
    ),
    (
        "two-operators-AND-one-fails",
        {"StringEquals": {"aws:SourceAccount": ACCT}, "ArnLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}},
        {"aws:SourceAccount": ACCT, "aws:SourceArn": SCHED},
        False,
    ),
    ("operator-name-case-insensitive", {"stringequals": {"k": "v"}}, {"k": "v"}, True),
    ("context-key-case-insensitive", {"StringEquals": {"AWS:SOURCEACCOUNT": ACCT}}, {"aws:SourceAccount": ACCT}, True),
    ("empty-condition", {}, {}, True),
    # Policy variables in condition values
    (
        "variable-in-StringEquals",
        {"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}},
        {"aws:PrincipalTag/team": "data", "aws:ResourceTag/team": "data"},
        True,
    ),
    (
        "variable-in-StringEquals-differs",
        {"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}},
        {"aws:PrincipalTag/team": "data", "aws:ResourceTag/team": "web"},
        False,
    ),
    ("variable-unknown-positive-false", {"StringEquals": {"k": "${aws:username}"}}, {"k": "alice"}, False),
    ("variable-unknown-negated-false", {"StringNotEquals": {"k": "${aws:username}"}}, {"k": "alice"}, False),
    (
        "variable-in-ArnLike",
        {"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:${aws:SourceAccount}:schedule/*"}},
        {"aws:SourceArn": SCHED, "aws:SourceAccount": ACCT},
        True,
    ),
    ("variable-not-in-Numeric", {"NumericEquals": {"n": "${x}"}}, {"n": "1", "x": "1"}, False),
]


@pytest.mark.parametrize(("block", "context", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_condition(block: dict, context: dict, expected: bool) -> None:
    assert evaluate_condition(block, ContextView(context), variables=True).holds is expected


def test_table_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


def test_none_context_value_means_absent() -> None:
    ctx = ContextView({"aws:SourceArn": None, "aws:SourceAccount": ACCT})
    assert evaluate_condition({"Null": {"aws:SourceArn": "true"}}, ctx, True).holds
    assert not evaluate_condition({"ArnLike": {"aws:SourceArn": "*"}}, ctx, True).holds


def test_variables_are_literal_without_2012_version() -> None:
    block = {"StringEquals": {"k": "${aws:username}"}}
    ctx = ContextView({"k": "${aws:username}", "aws:username": "alice"})
    assert evaluate_condition(block, ctx, variables=False).holds
    assert not evaluate_condition(block, ctx, variables=True).holds


def test_failure_message_names_operator_key_and_values() -> None:
    result = evaluate_condition(
        {"StringEquals": {"aws:SourceAccount": ACCT}}, ContextView({"aws:SourceAccount": "444455556666"}), True
    )
    assert result.failure == f'condition StringEquals aws:SourceAccount "{ACCT}" not met (request has "444455556666")'
    missing = evaluate_condition({"StringEquals": {"aws:SourceAccount": ACCT}}, ContextView({}), True)
    assert missing.failure is not None and "the key is absent from the request" in missing.failure


@pytest.mark.parametrize(
    "block",
    [
        {"StringEqualz": {"k": "v"}},
        {"ForSomeValues:StringEquals": {"k": "v"}},
        {"NullIfExists": {"k": "true"}},
        {"StringEquals": "not-a-map"},
        {"StringEquals": {"k": {"nested": "object"}}},
    ],
    ids=["unknown-operator", "unknown-set-prefix", "null-ifexists", "operator-not-map", "nested-value"],
)
def test_malformed_conditions_raise(block: dict) -> None:
    with pytest.raises(PolicyError):
        evaluate_condition(block, ContextView({"k": "v"}), True)
