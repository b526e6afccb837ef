"""Schedule discovery: from Terraform state (either form) to what the API says was deployed."""

from __future__ import annotations

from typing import Any

from batch_harness.delivery.schedules import discover, schedules_in_state, schedules_in_state_file
from fake_paging import Paginating

SHOW_JSON = {
    "values": {
        "root_module": {
            "resources": [{"address": "aws_sqs_queue.x", "mode": "managed", "type": "aws_sqs_queue", "values": {}}],
            "child_modules": [
                {
                    "resources": [
                        {
                            "address": 'module.batch.module.schedule["hello-daily"].aws_scheduler_schedule.this[0]',
                            "mode": "managed",
                            "type": "aws_scheduler_schedule",
                            "values": {"name": "hello-daily", "group_name": "reports"},
                        },
                        {
                            "address": 'module.batch.module.schedule["etl"].aws_cloudwatch_event_rule.this[0]',
                            "mode": "managed",
                            "type": "aws_cloudwatch_event_rule",
                            "values": {
                                "name": "etl",
                                "event_bus_name": "default",
                                "schedule_expression": "rate(1 hour)",
                            },
                        },
                        {
                            "address": "module.batch.aws_cloudwatch_event_rule.failed_jobs",
                            "mode": "managed",
                            "type": "aws_cloudwatch_event_rule",
                            "values": {"name": "failed", "event_pattern": "{}", "schedule_expression": ""},
                        },
                    ]
                }
            ],
        }
    }
}

STATE_FILE = {
    "version": 4,
    "resources": [
        {
            "module": 'module.batch.module.schedule["hello-daily"]',
            "mode": "managed",
            "type": "aws_scheduler_schedule",
            "name": "this",
            "instances": [{"index_key": 0, "attributes": {"name": "hello-daily", "group_name": "reports"}}],
        },
        {
            "module": 'module.batch.module.schedule["etl"]',
            "mode": "managed",
            "type": "aws_cloudwatch_event_rule",
            "name": "this",
            "instances": [
                {
                    "index_key": 0,
                    "attributes": {"name": "etl", "event_bus_name": "default", "schedule_expression": "rate(1 hour)"},
                }
            ],
        },
        {
            "module": "module.batch",
            "mode": "managed",
            "type": "aws_cloudwatch_event_rule",
            "name": "failed_jobs",
            "instances": [{"attributes": {"name": "failed", "event_pattern": "{}", "schedule_expression": ""}}],
        },
        {"mode": "data", "type": "aws_scheduler_schedule", "name": "x", "instances": [{"attributes": {"name": "no"}}]},
    ],
}


def test_only_schedules_and_scheduled_rules_are_found_in_either_state_form():
    from_show = schedules_in_state(SHOW_JSON)
    from_file = schedules_in_state_file(STATE_FILE)
    assert [(r.backend, r.group, r.name) for r in from_show] == [
        ("rules", "default", "etl"),
        ("scheduler", "reports", "hello-daily"),
    ]
    assert [(r.backend, r.group, r.name, r.address) for r in from_file] == [
        (r.backend, r.group, r.name, r.address) for r in from_show
    ]


class FakeScheduler:
    def get_schedule(self, Name: str, GroupName: str) -> dict[str, Any]:
        return {
            "Name": Name,
            "GroupName": GroupName,
            "Arn": f"arn:aws:scheduler:us-east-1:1:schedule/{GroupName}/{Name}",
            "ScheduleExpression": "cron(0 6 * * ? *)",
            "ScheduleExpressionTimezone": "Europe/Berlin",
            "State": "DISABLED",
            "Target": {"Arn": "arn:t", "RoleArn": "arn:r", "Input": "{}", "DeadLetterConfig": {"Arn": "arn:dlq"}},
        }


class FakeEvents(Paginating):
    def describe_rule(self, Name: str, EventBusName: str) -> dict[str, Any]:
        return {
            "Name": Name,
            "Arn": f"arn:aws:events:us-east-1:1:rule/{Name}",
            "ScheduleExpression": "rate(1 hour)",
            "State": "ENABLED",
        }

    def list_targets_by_rule(self, Rule: str, EventBusName: str, **kwargs: Any) -> dict[str, Any]:
        if "NextToken" not in kwargs:
            return {"Targets": [{"Id": "a", "Arn": "arn:q", "RoleArn": "arn:r"}], "NextToken": "2"}
        return {"Targets": [{"Id": "b", "Arn": "arn:sm", "RoleArn": "arn:r", "Input": '{"x": 1}'}]}


def test_discovery_reads_schedules_and_every_rule_target_back():
    clients = {"scheduler": FakeScheduler(), "events": FakeEvents()}
    rule, schedule = discover(clients.__getitem__, STATE_FILE)
    assert (schedule.label, schedule.state, schedule.enabled, schedule.timezone) == (
        "reports/hello-daily",
        "DISABLED",
        False,
        "Europe/Berlin",
    )
    assert schedule.targets[0].dead_letter_arn == "arn:dlq" and schedule.service_principal == "scheduler.amazonaws.com"
    assert rule.label == "rule etl" and [t.target_id for t in rule.targets] == ["a", "b"]
    assert rule.targets[1].input == '{"x": 1}' and rule.service_principal == "events.amazonaws.com"
