"""What a schedule sends: Scheduler context attributes, rule Input/InputPath/InputTransformer, and
the PascalCase -> boto3 request mapping through botocore's service model."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from batch_harness.delivery.sdk_input import (
    from_boto_params,
    sdk_action,
    to_boto_params,
    universal_target_action,
)
from batch_harness.delivery.target_input import (
    InputError,
    json_path,
    parse_json_object,
    render_input_transformer,
    rule_input,
    scheduled_event,
    scheduler_input,
)

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
RULE = "arn:aws:events:us-east-1:123456789012:rule/r"


# -- universal targets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "service", "iam_action", "method"),
    [
        ("arn:aws:scheduler:::aws-sdk:batch:submitJob", "batch", "batch:SubmitJob", "submit_job"),
        ("arn:aws:scheduler:::aws-sdk:sfn:startExecution", "stepfunctions", "states:StartExecution", "start_execution"),
        ("arn:aws:scheduler:::aws-sdk:cloudwatchlogs:putLogEvents", "logs", "logs:PutLogEvents", "put_log_events"),
    ],
)
def test_universal_target_names_the_api_action(arn, service, iam_action, method):
    action = universal_target_action(arn)
    assert (action.service, action.iam_action, action.boto_method) == (service, iam_action, method)


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("arn:aws:batch:us-east-1:1:job-queue/q", "not a universal target"),
        ("arn:aws:scheduler:::aws-sdk:nosuchservice:doIt", "no AWS service 'nosuchservice'"),
        ("arn:aws:scheduler:::aws-sdk:batch:launchRockets", "batch has no API action 'launchRockets'"),
    ],
)
def test_bad_universal_targets_are_explained(arn, message):
    with pytest.raises(ValueError, match=message):
        universal_target_action(arn)


# -- PascalCase -> boto3 ------------------------------------------------------------------------

SUBMIT = sdk_action("batch", "SubmitJob")


def test_nested_members_lists_and_maps_are_mapped_and_map_keys_kept():
    params, problems = to_boto_params(
        SUBMIT,
        {
            "JobName": "j",
            "JobQueue": "q",
            "JobDefinition": "d",
            "Parameters": {"Period": "weekly"},
            "ContainerOverrides": {
                "Command": ["a", "b"],
                "Environment": [{"Name": "LOG", "Value": "debug"}],
                "ResourceRequirements": [{"Type": "VCPU", "Value": "1"}],
            },
            "RetryStrategy": {"Attempts": 2, "EvaluateOnExit": [{"Action": "RETRY", "OnExitCode": "75"}]},
        },
    )
    assert problems == []
    assert params == {
        "jobName": "j",
        "jobQueue": "q",
        "jobDefinition": "d",
        "parameters": {"Period": "weekly"},
        "containerOverrides": {
            "command": ["a", "b"],
            "environment": [{"name": "LOG", "value": "debug"}],
            "resourceRequirements": [{"type": "VCPU", "value": "1"}],
        },
        "retryStrategy": {"attempts": 2, "evaluateOnExit": [{"action": "RETRY", "onExitCode": "75"}]},
    }
    assert from_boto_params(SUBMIT, params)["ContainerOverrides"]["Environment"] == [{"Name": "LOG", "Value": "debug"}]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "Priority": 1}, "Priority: unknown member"),
        ({"jobName": "j", "JobQueue": "q", "JobDefinition": "d"}, "jobName: unknown member (did you mean 'JobName'?"),
        ({"JobName": "j", "JobQueue": "q"}, "JobDefinition: required member missing"),
        ({"JobName": 5, "JobQueue": "q", "JobDefinition": "d"}, "JobName: expected string, got int 5"),
        (
            {"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "ContainerOverrides": {"Command": "echo"}},
            "ContainerOverrides.Command: expected an array, got string",
        ),
        (
            {"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "PropagateTags": "yes"},
            "PropagateTags: expected boolean, got string",
        ),
        (
            {
                "JobName": "j",
                "JobQueue": "q",
                "JobDefinition": "d",
                "ContainerOverrides": {"ResourceRequirements": [{"Type": "CPU", "Value": "1"}]},
            },
            "ContainerOverrides.ResourceRequirements[0].Type: 'CPU' is not one of GPU, VCPU, MEMORY",
        ),
        (
            {
                "JobName": "j",
                "JobQueue": "q",
                "JobDefinition": "d",
                "ContainerOverrides": {"Environment": [{"Nme": "x"}]},
            },
            "ContainerOverrides.Environment[0].Nme: unknown member",
        ),
        (
            {"JobName": "j", "JobQueue": "q", "JobDefinition": "d", "Timeout": {"AttemptDurationSeconds": True}},
            "expected integer",
        ),
    ],
)
def test_every_invalid_member_is_reported_with_its_pascalcase_path(body, problem):
    _, problems = to_boto_params(SUBMIT, body)
    assert any(problem in p for p in problems), problems


def test_botocore_range_checks_still_apply():
    _, problems = to_boto_params(
        sdk_action("stepfunctions", "StartExecution"), {"StateMachineArn": "arn", "Name": "x" * 0 + ""}
    )
    assert any("Invalid length" in p for p in problems)


# -- Scheduler context attributes ----------------------------------------------------------------


def test_scheduler_fills_its_context_attributes():
    text = scheduler_input(
        '{"a": "<aws.scheduler.scheduled-time>", "b": "<aws.scheduler.schedule-arn>", '
        '"c": "<aws.scheduler.attempt-number>", "d": "<aws.scheduler.execution-id>"}',
        "arn:s",
        NOW,
        execution_id="e-1",
    )
    assert json.loads(text) == {"a": "2026-01-02T03:04:05Z", "b": "arn:s", "c": "1", "d": "e-1"}
    assert scheduler_input(None, "arn:s", NOW) == "{}"


# -- rules -------------------------------------------------------------------------------------


def test_rule_input_variants():
    event = scheduled_event(RULE, "us-east-1", "123456789012", NOW)
    assert event["detail-type"] == "Scheduled Event" and event["time"] == "2026-01-02T03:04:05Z"
    assert rule_input({"Input": '{"x": 1}'}, event, RULE, "r") == '{"x": 1}'
    assert json.loads(rule_input({"InputPath": "$.resources"}, event, RULE, "r")) == [RULE]
    assert rule_input({}, event, RULE, "r") is None


def test_input_transformer_quotes_inside_strings_and_json_outside():
    event = {"time": "t0", "detail": {"n": 3, "name": 'say "hi"'}, "resources": ["a"]}
    text = render_input_transformer(
        '{"when": "<time> UTC", "n": <n>, "name": "<name>", "rule": "<aws.events.rule-name>"}',
        {"time": "$.time", "n": "$.detail.n", "name": "$.detail.name"},
        event,
        rule_name="r",
    )
    assert json.loads(text) == {"when": "t0 UTC", "n": 3, "name": 'say "hi"', "rule": "r"}
    assert render_input_transformer("at <t>", {"t": "$.time"}, event) == "at t0"


def test_input_transformer_event_variables_follow_the_user_guide():
    # "aws.events.event: the original event payload in JSON format (without the detail field)";
    # "aws.events.event.json: the full original event payload (with the detail field)".
    event = scheduled_event(RULE, "us-east-1", "123456789012", NOW)
    event["detail"] = {"k": "v"}
    target = {"InputTransformer": {"InputTemplate": '{"bare": <aws.events.event>, "full": <aws.events.event.json>}'}}
    sent = json.loads(rule_input(target, event, RULE, "r") or "")
    assert sent["full"] == event
    assert sent["bare"] == {key: value for key, value in event.items() if key != "detail"}


def test_input_transformer_ingestion_time_is_the_scheduled_events_time_unless_given():
    event = scheduled_event(RULE, "us-east-1", "123456789012", NOW)
    target = {"InputTransformer": {"InputTemplate": '"<aws.events.event.ingestion-time>"'}}
    assert rule_input(target, event, RULE, "r") == '"2026-01-02T03:04:05Z"'
    assert rule_input(target, event, RULE, "r", ingestion_time="2026-01-02T03:04:06Z") == '"2026-01-02T03:04:06Z"'


def test_json_path_reads_dot_and_bracket_notation_indices_and_wildcards():
    document = {"a": {"b": [10, {"c": "x"}], "d-e": 1}}
    assert json_path(document, "$") == document
    assert json_path(document, "$.a.b[1].c") == "x"
    assert json_path(document, "$.a.d-e") == 1
    assert json_path(document, "$.a['d-e']") == 1
    assert json_path(document, "$.a.missing") is None
    assert json_path(document, "$.a.b[5]") is None
    # A path that can match several values gives the list of them, even of one.
    assert json_path(document, "$.a.b[*]") == [10, {"c": "x"}]
    assert json_path(document, "$..c") == ["x"]
    assert json_path(document, "$.a.nothing[*]") == []


@pytest.mark.parametrize(
    ("path", "message"),
    [("a.b", "the path 'a.b' must start with '$' (JSONPath)"), ("$.a[", "the path '$.a[' is not a JSONPath: ")],
)
def test_json_path_refuses_what_is_not_a_json_path(path, message):
    with pytest.raises(InputError) as refused:
        json_path({"a": 1}, path)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(("text", "message"), [("{", "is not valid JSON"), ("[1]", "must be a JSON object, got list")])
def test_parse_json_object_explains(text, message):
    with pytest.raises(InputError, match=message):
        parse_json_object(text, "the input")
