"""Step Functions: provider calls, batch:submitJob.sync casing, Parallel errors, names (+ canaries)."""

from __future__ import annotations

import datetime
import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from batch_harness.emulator import LocalAccount

from .conftest import BatchSetup, unique

ROLE = "arn:aws:iam::123456789012:role/pipeline"
PASS_MACHINE = json.dumps({"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}})


def _submit_step(setup: BatchSetup, job_name: str, **fields: Any) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::batch:submitJob.sync",
        "Parameters": {
            "JobName": job_name,
            "JobQueue": setup.queue_arn,
            "JobDefinition": setup.job_definition_arn,
            **fields,
        },
    }


def _run(account: LocalAccount, definition: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    sfn = account.client("stepfunctions")
    arn = sfn.create_state_machine(name=unique("sm"), definition=json.dumps(definition), roleArn=ROLE)[
        "stateMachineArn"
    ]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    deadline = time.monotonic() + timeout
    while True:
        result: dict[str, Any] = sfn.describe_execution(executionArn=execution)
        if result["status"] != "RUNNING" or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def _jobs_named(account: LocalAccount, setup: BatchSetup, *names: str) -> dict[str, dict[str, Any]]:
    batch = account.client("batch")
    summaries = batch.list_jobs(jobQueue=setup.queue, filters=[{"name": "JOB_NAME", "values": list(names)}])
    ids = [job["jobId"] for job in summaries["jobSummaryList"]]
    return {job["jobName"]: job for job in batch.describe_jobs(jobs=ids)["jobs"]} if ids else {}


# -- ValidateStateMachineDefinition / ListStateMachineVersions ------------------------------


def test_validate_state_machine_definition(account: LocalAccount) -> None:
    sfn = account.client("stepfunctions")
    ok = sfn.validate_state_machine_definition(definition=PASS_MACHINE)
    assert ok["result"] == "OK" and ok["diagnostics"] == []
    broken = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "x", "States": {}}))
    assert broken["result"] == "FAIL"
    assert broken["diagnostics"][0]["severity"] == "ERROR"
    not_json = sfn.validate_state_machine_definition(definition="{")
    assert not_json["result"] == "FAIL"


def test_list_state_machine_versions(account: LocalAccount) -> None:
    sfn = account.client("stepfunctions")
    plain = sfn.create_state_machine(name=unique("sm"), definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    assert sfn.list_state_machine_versions(stateMachineArn=plain)["stateMachineVersions"] == []
    published = sfn.create_state_machine(name=unique("sm"), definition=PASS_MACHINE, roleArn=ROLE, publish=True)
    sfn.update_state_machine(stateMachineArn=published["stateMachineArn"], definition=PASS_MACHINE, publish=True)
    versions = sfn.list_state_machine_versions(stateMachineArn=published["stateMachineArn"])["stateMachineVersions"]
    arns = [item["stateMachineVersionArn"] for item in versions]
    assert arns == [f"{published['stateMachineArn']}:2", f"{published['stateMachineArn']}:1"]  # newest first


def test_canary_moto_lacks_provider_operations() -> None:
    from moto.stepfunctions.responses import StepFunctionResponse

    assert not hasattr(StepFunctionResponse, "validate_state_machine_definition")
    assert not hasattr(StepFunctionResponse, "list_state_machine_versions")


# -- batch:submitJob.sync ----------------------------------------------------------------------


def test_submit_job_sync_takes_and_returns_pascal_case(account: LocalAccount, batch_setup: BatchSetup) -> None:
    first, second = unique("optimise"), unique("report")
    definition = {
        "StartAt": "a",
        "States": {
            "a": {**_submit_step(batch_setup, first), "Next": "b"},
            "b": {
                **_submit_step(
                    batch_setup,
                    second,
                    Parameters={"day": "monday"},
                    ContainerOverrides={"Command": ["echo", "hi"], "Environment": [{"Name": "MODE", "Value": "x"}]},
                ),
                "End": True,
            },
        },
    }
    execution = _run(account, definition)
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    assert output["JobName"] == second and output["Status"] == "SUCCEEDED"  # the job, PascalCase, like AWS
    assert output["Container"]["ExitCode"] == 0
    jobs = _jobs_named(account, batch_setup, first, second)
    assert jobs[second]["parameters"]["day"] == "monday"
    assert jobs[second]["container"]["command"] == ["echo", "hi"]
    environment = {item["name"]: item["value"] for item in jobs[second]["container"]["environment"]}
    assert environment["MODE"] == "x"
    assert environment["MANAGED_BY_AWS"] == "STARTED_BY_STEP_FUNCTIONS"
    assert jobs[first]["createdAt"] <= jobs[second]["createdAt"]


def test_failed_job_fails_the_task_and_stops_the_chain(account: LocalAccount, batch_setup: BatchSetup) -> None:
    first, second = unique("optimise"), unique("report")
    account.set_batch_failure(0, job_name=first)
    try:
        execution = _run(
            account,
            {
                "StartAt": "a",
                "States": {
                    "a": {**_submit_step(batch_setup, first), "Next": "b"},
                    "b": {**_submit_step(batch_setup, second), "End": True},
                },
            },
        )
    finally:
        account.set_batch_failure(None, job_name=first)
    assert execution["status"] == "FAILED"
    assert execution["error"] == "States.TaskFailed"
    assert json.loads(execution["cause"])["Status"] == "FAILED"
    assert set(_jobs_named(account, batch_setup, first, second)) == {first}  # the dependent never started


def test_submit_job_sync_passes_share_identifier(account: LocalAccount, batch_setup: BatchSetup) -> None:
    batch = account.client("batch")
    env_arn = batch.describe_job_queues(jobQueues=[batch_setup.queue])["jobQueues"][0]["computeEnvironmentOrder"][0][
        "computeEnvironment"
    ]
    policy = batch.create_scheduling_policy(name=unique("sp"), fairsharePolicy={"shareDecaySeconds": 60})["arn"]
    queue = batch.create_job_queue(
        jobQueueName=unique("fair"),
        priority=1,
        state="ENABLED",
        schedulingPolicyArn=policy,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env_arn}],
    )
    name = unique("fair-step")
    step = _submit_step(batch_setup, name, ShareIdentifier="reports", SchedulingPriorityOverride=3, PropagateTags=True)
    step["Parameters"]["JobQueue"] = queue["jobQueueArn"]
    execution = _run(account, {"StartAt": "s", "States": {"s": {**step, "End": True}}})
    assert execution["status"] == "SUCCEEDED", execution
    output = json.loads(execution["output"])
    assert output["ShareIdentifier"] == "reports" and output["SchedulingPriority"] == 3


def test_canary_moto_drops_share_identifier_from_submit_job() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_batch

    supported = state_task_service_batch._SUPPORTED_API_PARAM_BINDINGS["submitjob"]
    assert "JobName" in supported and "ShareIdentifier" not in supported and "PropagateTags" not in supported


def test_canary_moto_normalisation_hooks_are_empty() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
        StateTaskService,
    )

    parameters = {"JobName": "a", "JobQueue": "q"}
    response = {"jobId": "1"}
    StateTaskService._normalise_parameters(None, parameters)  # type: ignore[arg-type]
    StateTaskService._normalise_response(None, response)  # type: ignore[arg-type]
    assert parameters == {"JobName": "a", "JobQueue": "q"} and response == {"jobId": "1"}


# -- Parallel branch errors ------------------------------------------------------------------


def test_parallel_fails_with_the_branch_error_and_catch_handles_it(
    account: LocalAccount, batch_setup: BatchSetup
) -> None:
    left, right = unique("left"), unique("right")
    account.set_batch_failure(0, job_name=left)
    try:
        execution = _run(
            account,
            {
                "StartAt": "fan",
                "States": {
                    "fan": {
                        "Type": "Parallel",
                        "Branches": [
                            {"StartAt": "l", "States": {"l": {**_submit_step(batch_setup, left), "End": True}}},
                            {"StartAt": "r", "States": {"r": {**_submit_step(batch_setup, right), "End": True}}},
                        ],
                        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "caught"}],
                        "End": True,
                    },
                    "caught": {"Type": "Fail", "Error": "StepFailed", "Cause": "a step failed"},
                },
            },
        )
    finally:
        account.set_batch_failure(None, job_name=left)
    assert execution["status"] == "FAILED"
    assert execution["error"] == "StepFailed"  # reached through the Catch on States.TaskFailed


def test_canary_moto_parallel_wraps_states_errors_in_custom_error_names() -> None:
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    assert branches_decl.CustomErrorName is CustomErrorName
    with pytest.raises(ValueError, match=r"MUST NOT begin with the prefix 'States\.'"):
        CustomErrorName("States.TaskFailed")


# -- context object ----------------------------------------------------------------------------


def test_context_start_time_is_an_iso_string(account: LocalAccount) -> None:
    definition = {
        "StartAt": "p",
        "States": {"p": {"Type": "Pass", "Parameters": {"started.$": "$$.Execution.StartTime"}, "End": True}},
    }
    execution = _run(account, definition)
    assert execution["status"] == "SUCCEEDED", execution
    started = json.loads(execution["output"])["started"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", started)


def test_canary_moto_context_start_time_is_a_datetime(unpatched_moto: Any) -> None:
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    sfn = unpatched_moto("stepfunctions")
    arn = sfn.create_state_machine(name="ctx", definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    execution_arn = sfn.start_execution(stateMachineArn=arn, name="x")["executionArn"]
    execution = stepfunctions_parser_backends["123456789012"]["us-east-1"].describe_execution(execution_arn)
    start_time = execution.get_start_execution_details().start_time  # becomes $$.Execution.StartTime
    assert isinstance(start_time, datetime.datetime)


# -- StartExecution without a name ------------------------------------------------------------


def test_unnamed_executions_get_unique_names(account: LocalAccount) -> None:
    sfn = account.client("stepfunctions")
    arn = sfn.create_state_machine(name=unique("sm"), definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    first = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert first != second
    assert not first.endswith(":None")


def test_canary_moto_names_unnamed_executions_none(unpatched_moto: Any) -> None:
    sfn = unpatched_moto("stepfunctions")
    arn = sfn.create_state_machine(name="sm", definition=PASS_MACHINE, roleArn=ROLE)["stateMachineArn"]
    first = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert first.endswith(":None")
    try:  # the same name again: moto returns the running one or refuses a finished one
        assert sfn.start_execution(stateMachineArn=arn)["executionArn"] == first
    except ClientError as error:
        assert "Already Exists" in str(error)
