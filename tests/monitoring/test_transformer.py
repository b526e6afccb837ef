"""EventBridge InputTransformer semantics (local_monitoring.render_input_transformer).

The expectations are the documented examples (EventBridge user guide, "Amazon EventBridge
input transformation": event, input paths, template -> output).
"""

from __future__ import annotations

import json

import pytest

from .local_monitoring import MISSING, PathError, json_path, render_input_transformer, text_lines

EC2_EVENT = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING"},
}
EC2_PATHS = {"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'),
        ('"instance \\"<instance>\\" is in <state>"', '"instance \\"i-0123456789\\" is in RUNNING"'),
        ('{"instance" : <instance>, "state": <state>}', '{"instance" : "i-0123456789", "state": "RUNNING"}'),
        (
            '{"instance" : <instance>, "state": "<state>", '
            '"instanceStatus": "instance \\"<instance>\\" is in <state>"}',
            '{"instance" : "i-0123456789", "state": "RUNNING", '
            '"instanceStatus": "instance \\"i-0123456789\\" is in RUNNING"}',
        ),
        (
            '{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}',
            '{"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"}',
        ),
        ('"<aws.events.rule-name> triggered"', '"example triggered"'),
        ("<instance> is in state <status>", "i-0123456789 is in state <status>"),  # unknown <...> stays
    ],
)
def test_documented_examples(template, expected):
    assert render_input_transformer(EC2_PATHS, template, EC2_EVENT, rule_name="example") == expected


def test_json_template_output_is_valid_json_with_reserved_variables():
    rendered = render_input_transformer(
        EC2_PATHS,
        '{"instance": <instance>, "ruleArn": <aws.events.rule-arn>, "originalEvent": <aws.events.event>}',
        EC2_EVENT,
        rule_arn="arn:aws:events:us-east-2:123456789012:rule/example",
    )
    parsed = json.loads(rendered)
    assert parsed["instance"] == "i-0123456789"
    assert parsed["ruleArn"] == "arn:aws:events:us-east-2:123456789012:rule/example"
    assert "detail" not in parsed["originalEvent"]  # aws.events.event is the event without detail
    assert parsed["originalEvent"]["id"] == EC2_EVENT["id"]


def test_values_inside_strings_are_escaped_and_non_strings_are_json():
    event = {"detail": {"reason": 'said "no"\nthen left', "code": 3, "tags": {"a": 1}}}
    rendered = render_input_transformer(
        {"reason": "$.detail.reason", "code": "$.detail.code", "tags": "$.detail.tags"},
        '{"text": "<reason> (<code>) <tags>", "code": <code>}',
        event,
    )
    assert json.loads(rendered) == {"text": 'said "no"\nthen left (3) {"a":1}', "code": 3}


def test_missing_paths_render_empty_in_strings_and_null_in_json():
    rendered = render_input_transformer(
        {"gone": "$.detail.nothing", "state": "$.detail.state"},
        '{"a": "[<gone>]", "b": <gone>, "c": <state>}',
        EC2_EVENT,
    )
    assert json.loads(rendered) == {"a": "[]", "b": None, "c": "RUNNING"}


def test_reserved_names_cannot_be_input_paths():
    with pytest.raises(ValueError, match=r"aws\."):
        render_input_transformer({"aws.events.rule-name": "$.id"}, '"x"', EC2_EVENT)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", EC2_EVENT),
        ("$.detail.instance-id", "i-0123456789"),
        ("$.resources[0]", "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"),
        ("$.resources[1]", MISSING),
        ("$.detail.nothing.deeper", MISSING),
        ("$.detail.*", ["i-0123456789", "RUNNING"]),
    ],
)
def test_json_path(path, expected):
    assert json_path(EC2_EVENT, path) == expected


def test_bracket_notation_is_rejected_like_eventbridge():
    with pytest.raises(PathError, match="dot notation"):
        json_path(EC2_EVENT, "$['detail']")


def test_text_lines_reads_one_quoted_string_per_line():
    assert text_lines('"first \\"line\\""\n\n"second"\n') == ['first "line"', "second"]
