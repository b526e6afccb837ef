"""Points where the evaluator follows the AWS documentation rather than the obvious reading.

Each test names the page of the IAM User Guide it follows; each fails on the evaluator's earlier
behaviour (kept in the docstring).
"""

from __future__ import annotations

import pytest

from batch_harness.iam import Request, evaluate
from batch_harness.iam.conditions import evaluate_condition
from batch_harness.iam.patterns import ContextView

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/worker"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/worker/run-1"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:work"
SEND = "sqs:SendMessage"


def holds(condition: dict, context: dict) -> bool:
    return evaluate_condition(condition, ContextView(context), variables=True).holds


def test_policy_variables_are_substituted_in_bool_conditions():
    """IAM User Guide, "IAM policy elements: Variables and tags" (where you can use policy
    variables: the string, ARN and Boolean condition operators). Earlier: ``${...}`` in a Bool
    value was compared literally, so this condition never held."""
    condition = {"Bool": {"aws:MultiFactorAuthPresent": "${aws:SecureTransport}"}}
    assert holds(condition, {"aws:MultiFactorAuthPresent": "true", "aws:SecureTransport": "true"})
    assert not holds(condition, {"aws:MultiFactorAuthPresent": "true", "aws:SecureTransport": "false"})
    assert not holds(condition, {"aws:MultiFactorAuthPresent": "true"})  # unresolvable: no match


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value"),
    [
        ("ArnNotLike", f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/*", "not-an-arn"),
        ("ArnNotEquals", f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/a", "not-an-arn"),
        ("DateNotEquals", "2026-01-01T00:00:00Z", "yesterday"),
        ("NumericNotEquals", "10", "ten"),
        ("NotIpAddress", "10.0.0.0/8", "not-an-ip"),
    ],
)
def test_negated_operators_do_not_match_a_request_value_of_the_wrong_type(operator, policy_value, request_value):
    """IAM User Guide, "IAM JSON policy elements: Condition operators": a request value that
    cannot be read as the operator's type makes the condition not match; the IAM policy simulator
    answers the same for the negated operators. Earlier: the negated operator held."""
    assert not holds({operator: {"k": policy_value}}, {"k": request_value})
    # The positive operator of the same family does not match either.
    positive = operator.replace("Not", "", 1)
    assert not holds({positive: {"k": policy_value}}, {"k": request_value})


BOUNDARY_WITHOUT_SQS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "batch:*", "Resource": "*"}],
}


def queue_policy(effect: str, principal_key: str, principal: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": effect, principal_key: {"AWS": principal}, "Action": SEND, "Resource": QUEUE}],
    }


@pytest.mark.parametrize("caller", [SESSION, USER])
def test_same_account_resource_policy_naming_the_session_or_user_is_not_limited_by_the_boundary(caller):
    """IAM User Guide, "Policy evaluation logic" (permissions boundaries and resource-based
    policies): within an account, a resource-based policy that grants to the IAM user ARN or the
    role session ARN is not limited by the principal's permissions boundary. Earlier: denied."""
    decision = evaluate(
        Request(SEND, QUEUE, principal=caller),
        [],
        queue_policy("Allow", "Principal", caller),
        BOUNDARY_WITHOUT_SQS,
    )
    assert decision.allowed, decision.reason
    assert "the permissions boundary does not apply" in decision.reason


def test_same_account_resource_policy_naming_the_role_is_limited_by_the_boundary():
    """The same page: a grant to the role ARN (not the session) is limited by the boundary."""
    decision = evaluate(
        Request(SEND, QUEUE, principal=SESSION), [], queue_policy("Allow", "Principal", ROLE), BOUNDARY_WITHOUT_SQS
    )
    assert not decision.allowed
    assert decision.reason.startswith("denied: the permissions boundary does not allow sqs:SendMessage")


def test_resource_policy_deny_with_not_principal_denies_a_principal_with_a_boundary():
    """IAM User Guide, "AWS JSON policy elements: NotPrincipal": a Deny with NotPrincipal in a
    resource-based policy always denies principals that have a permissions boundary, whatever
    NotPrincipal names. Earlier: the principal named in NotPrincipal was let through."""
    allow_identity = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": SEND, "Resource": QUEUE}]}
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    deny_all_but_worker = queue_policy("Deny", "NotPrincipal", ROLE)
    request = Request(SEND, QUEUE, principal=SESSION)

    with_boundary = evaluate(request, [allow_identity], deny_all_but_worker, everything)
    assert not with_boundary.allowed
    assert "(explicit Deny)" in with_boundary.reason

    without_boundary = evaluate(request, [allow_identity], deny_all_but_worker)
    assert without_boundary.allowed, without_boundary.reason
