"""CloudWatch Logs JSON filter patterns and dimensions (local_monitoring.metric_filter_*)."""

from __future__ import annotations

import json

import pytest

from .local_monitoring import FilterPatternError, metric_filter_dimensions, metric_filter_matches

LOG_EVENT = json.dumps(
    {
        "source": "aws.batch",
        "detail": {
            "status": "SUCCEEDED",
            "jobName": "mon-report-nightly",
            "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/mon-report:3",
            "attempts": [{"container": {"exitCode": 0}}],
            "retryStrategy": {"attempts": 3},
            "propagateTags": True,
            "statusReason": None,
        },
    }
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.detail.status = "SUCCEEDED" }', True),
        ('{ $.detail.status = "FAILED" }', False),
        ('{ $.detail.status != "FAILED" }', True),
        ('{ $.detail.jobDefinition = "arn:aws:batch:us-east-1:123456789012:job-definition/mon-report:*" }', True),
        # a prefix wildcard must not match a longer job definition name
        ('{ $.detail.jobDefinition = "arn:aws:batch:us-east-1:123456789012:job-definition/mon-rep:*" }', False),
        ('{ $.detail.jobName = "*-nightly" }', True),
        ('{ $.detail.jobName = "mon-report-night" }', False),
        ('{ ($.source = "aws.batch") && ($.detail.status = "SUCCEEDED") }', True),
        ('{ ($.source = "aws.states") && ($.detail.status = "SUCCEEDED") }', False),
        ('{ ($.source = "aws.states") || ($.detail.status = "SUCCEEDED") }', True),
        ('{ $.source = "aws.states" || $.detail.status = "SUCCEEDED" && $.detail.jobName = "x" }', False),
        ('{ ($.source = "aws.states" || $.detail.status = "SUCCEEDED") && $.detail.jobName = "x" }', False),
        ("{ $.detail.attempts[0].container.exitCode = 0 }", True),
        ("{ $.detail.retryStrategy.attempts >= 3 }", True),
        ("{ $.detail.retryStrategy.attempts > 3 }", False),
        ("{ $.detail.propagateTags IS TRUE }", None),  # not a supported form: parse error below
        ("{ $.detail.propagateTags = true }", True),
        ("{ $.detail.statusReason = null }", True),
        ("{ $.detail.container IS NOT EXISTS }", True),
        ("{ $.detail.jobName IS EXISTS }", True),
        ('{ $.detail.missing = "x" }', False),
        ('{ $.detail.missing != "x" }', False),
    ],
)
def test_patterns(pattern, expected):
    if expected is None:
        with pytest.raises(FilterPatternError):
            metric_filter_matches(pattern, LOG_EVENT)
    else:
        assert metric_filter_matches(pattern, LOG_EVENT) is expected


def test_non_json_messages_never_match():
    assert metric_filter_matches('{ $.detail.status = "SUCCEEDED" }', "SUCCEEDED plain text") is False
    assert metric_filter_matches('{ $.detail.status = "SUCCEEDED" }', "[1, 2]") is False


@pytest.mark.parametrize("pattern", ['$.a = "b"', '{ $.a = "b" ', '{ $.a "b" }', '{ ($.a = "b" }'])
def test_malformed_patterns_are_rejected(pattern):
    with pytest.raises(FilterPatternError):
        metric_filter_matches(pattern, LOG_EVENT)


@pytest.mark.parametrize(
    ("dimensions", "expected"),
    [
        ({"JobName": "$.detail.jobName"}, {"JobName": "mon-report-nightly"}),
        (
            {"JobName": "$.detail.jobName", "Status": "$.detail.status"},
            {"JobName": "mon-report-nightly", "Status": "SUCCEEDED"},
        ),
        ({"ExitCode": "$.detail.attempts[0].container.exitCode"}, {"ExitCode": "0"}),
        # no value to publish under: the event yields no datapoint
        ({"JobName": "$.detail.missing"}, None),
        ({"Reason": "$.detail.statusReason"}, None),
        ({"Detail": "$.detail.retryStrategy"}, None),
    ],
)
def test_dimensions(dimensions, expected):
    assert metric_filter_dimensions(dimensions, LOG_EVENT) == expected


def test_dimensions_of_non_json_messages():
    assert metric_filter_dimensions({"JobName": "$.detail.jobName"}, "SUCCEEDED plain text") is None
    assert metric_filter_dimensions({"JobName": "$.detail.jobName"}, "[1, 2]") is None
