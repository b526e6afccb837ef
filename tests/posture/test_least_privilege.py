"""Least privilege, proved on the policies IAM holds after apply (issue 4).

examples/complete is applied into a fresh local account; every schedule, pipeline, job and
execution role is read back from IAM and evaluated with the harness's IAM evaluator. Then one
schedule role is widened through the IAM API (as a console click or another stack would) and
the same check must report exactly that role. The pipeline roles are checked on the apply the
pipeline end-to-end tests already make (tests/pipeline/test_e2e.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch_harness.iam import read_role_policies, role_name_from
from batch_harness.posture.least_privilege import deployed_problems

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("posture-e2e")]


@pytest.fixture
def deployed(request: pytest.FixtureRequest, harness_repo_root: Path):
    applied = request.getfixturevalue("applied")
    stack = applied(harness_repo_root / "examples" / "complete")
    return stack, stack.clients("iam"), stack.state()


def test_deployed_roles_are_least_privilege_and_widening_is_caught(deployed) -> None:
    stack, iam, state = deployed
    problems, expectations = deployed_problems(iam, state)
    kinds = {e.kind for e in expectations}
    assert {"schedule", "job", "execution"} <= kinds, kinds
    schedules = [e for e in expectations if e.kind == "schedule"]
    assert len(schedules) == len(stack.outputs["schedule_arns"]), "every schedule's role is checked"
    executions = [e for e in expectations if e.kind == "execution"]
    assert any(r.action == "secretsmanager:GetSecretValue" for e in executions for r in e.must_allow), (
        "the job with a secret must be checked for reading it"
    )
    assert problems == []

    # Widen one schedule role: Resource "*" for batch:SubmitJob.
    victim = schedules[0]
    role_name = role_name_from(victim.role_arn)
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="posture-widened",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": "*"}]}
        ),
    )
    assert "inline:posture-widened" in read_role_policies(iam, victim.role_arn).policy_names
    problems, _ = deployed_problems(iam, state)
    assert problems, "a SubmitJob grant on every queue must be reported"
    assert all(role_name in p for p in problems), problems
    assert any("should be denied batch:SubmitJob" in p for p in problems), problems
