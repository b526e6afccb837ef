"""Real-account permission answers: iam:SimulatePrincipalPolicy (and the emulator fallback)."""

from __future__ import annotations

from typing import Any

from botocore.parsers import ResponseParserError

from batch_harness.delivery.permissions import SimulatedPermissions, assumed_role_principal, session_context
from batch_harness.iam import Request

from .fakes import JOBDEF_ARN, QUEUE_ARN, ROLE_ARN, FakeIam, client_error, scheduler_trust, submit_policy

ROLE_NAME = ROLE_ARN.rsplit("/", 1)[-1]


class SimulatingIam(FakeIam):
    def __init__(self, decisions: dict[str, str] | None = None, error: Exception | None = None) -> None:
        super().__init__()
        self.decisions = decisions or {}
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def simulate_principal_policy(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        [resource] = kwargs["ResourceArns"]
        decision = self.decisions.get(resource, "implicitDeny")
        return {
            "EvaluationResults": [
                {
                    "EvalActionName": kwargs["ActionNames"][0],
                    "EvalResourceName": resource,
                    "EvalDecision": decision,
                    "MatchedStatements": [{"SourcePolicyId": "target"}] if decision != "implicitDeny" else [],
                }
            ],
            "IsTruncated": False,
        }


def requests() -> list[Request]:
    context = session_context(ROLE_ARN, "123456789012", "us-east-1")
    principal = assumed_role_principal(ROLE_ARN)
    return [Request("batch:SubmitJob", r, context, principal) for r in (QUEUE_ARN, JOBDEF_ARN)]


def test_every_resource_is_simulated_with_the_request_context():
    iam = SimulatingIam({QUEUE_ARN: "allowed", JOBDEF_ARN: "allowed"})
    decision = SimulatedPermissions(iam).allows(ROLE_ARN, requests())
    assert decision.allowed
    assert [c["ResourceArns"] for c in iam.calls] == [[QUEUE_ARN], [JOBDEF_ARN]]
    entries = {e["ContextKeyName"]: e for e in iam.calls[0]["ContextEntries"]}
    assert entries["aws:PrincipalArn"]["ContextKeyValues"] == [ROLE_ARN]
    assert entries["aws:RequestedRegion"]["ContextKeyType"] == "string"
    assert iam.calls[0]["PolicySourceArn"] == ROLE_ARN


def test_a_denied_resource_is_named_with_the_decision():
    iam = SimulatingIam({QUEUE_ARN: "allowed", JOBDEF_ARN: "explicitDeny"})
    decision = SimulatedPermissions(iam).allows(ROLE_ARN, requests())
    assert not decision.allowed
    assert decision.reason == (
        f"iam:SimulatePrincipalPolicy: explicitDeny for batch:SubmitJob on {JOBDEF_ARN} (statements: target)"
    )


def test_an_endpoint_without_simulate_falls_back_to_the_local_evaluator_and_says_so():
    iam = SimulatingIam(error=ResponseParserError("not XML"))
    iam.add_role(ROLE_NAME, scheduler_trust(), target=submit_policy(QUEUE_ARN))
    permissions = SimulatedPermissions(iam)
    decision = permissions.allows(ROLE_ARN, requests())
    assert not decision.allowed and "no statement allows batch:SubmitJob" in decision.reason
    assert permissions.fallbacks == [
        "the endpoint does not implement iam:SimulatePrincipalPolicy: used the local evaluator"
    ]


def test_other_simulate_errors_deny_with_the_error():
    iam = SimulatingIam(error=client_error("AccessDenied", "not allowed to simulate"))
    decision = SimulatedPermissions(iam).allows(ROLE_ARN, requests())
    assert not decision.allowed
    assert decision.reason == "iam:SimulatePrincipalPolicy failed: AccessDenied: not allowed to simulate"
