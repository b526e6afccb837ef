"""Least privilege, proved on the policies IAM holds after apply.

On the session's shared e2e run of examples/complete (``e2e.stacks``), right after apply: every
schedule, pipeline, job and execution role is read back from IAM and evaluated with the harness's
IAM evaluator. Then one schedule role is widened through the IAM API (as a console click or another
stack would) and the same check must report exactly that role; the widening is removed again, so
the run goes on to prove the second plan, the jobs and a clean destroy. The pipeline roles are
checked on the shared run of examples/pipeline (tests/pipeline/test_e2e.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from batch_harness.delivery.dynamic_run import outputs_in_state_file
from batch_harness.iam import read_role_policies, role_name_from
from batch_harness.posture.least_privilege import deployed_problems
from batch_harness.pytest_plugin import SharedE2E, stack_check
from batch_harness.run.e2e import Run
from e2e.stacks import example_run, group

EXAMPLE = "complete"
pytestmark = [pytest.mark.e2e, group(EXAMPLE)]


@stack_check(EXAMPLE, phase="after_apply")
def least_privilege_and_widening_is_caught(run: Run) -> None:
    assert run.runner is not None
    iam, state = run.clients("iam"), run.runner.show_state()
    outputs = outputs_in_state_file(json.loads((Path(run.runner.workdir) / "terraform.tfstate").read_text()))
    problems, expectations = deployed_problems(iam, state)
    kinds = {e.kind for e in expectations}
    assert {"schedule", "job", "execution"} <= kinds, kinds
    schedules = [e for e in expectations if e.kind == "schedule"]
    assert len(schedules) == len(outputs["schedule_arns"]), "every schedule's role is checked"
    executions = [e for e in expectations if e.kind == "execution"]
    assert any(r.action == "secretsmanager:GetSecretValue" for e in executions for r in e.must_allow), (
        "the job with a secret must be checked for reading it"
    )
    assert problems == []

    # Widen one schedule role: Resource "*" for batch:SubmitJob.
    victim = schedules[0]
    role_name = role_name_from(victim.role_arn)
    widened: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": "*"}],
    }
    iam.put_role_policy(RoleName=role_name, PolicyName="posture-widened", PolicyDocument=json.dumps(widened))
    try:
        assert "inline:posture-widened" in read_role_policies(iam, victim.role_arn).policy_names
        problems, _ = deployed_problems(iam, state)
        assert problems, "a SubmitJob grant on every queue must be reported"
        assert all(role_name in p for p in problems), problems
        assert any("should be denied batch:SubmitJob" in p for p in problems), problems
    finally:  # the shared stack goes on as deployed
        iam.delete_role_policy(RoleName=role_name, PolicyName="posture-widened")


def test_deployed_roles_are_least_privilege_and_widening_is_caught(shared_e2e: SharedE2E) -> None:
    example_run(shared_e2e, EXAMPLE).check(least_privilege_and_widening_is_caught)
