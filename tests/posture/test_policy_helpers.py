"""Small pure pieces of the custom policies, imported the way checkov imports them."""

from __future__ import annotations

import importlib
import sys

import pytest

from batch_harness.posture import POLICY_DIR


@pytest.fixture(scope="module")
def policies():
    sys.path.insert(0, str(POLICY_DIR))
    try:
        yield {
            "lib": importlib.import_module("sbatch_policy_lib"),
            "env": importlib.import_module("sbatch_03_env_secrets"),
            "iam": importlib.import_module("sbatch_05_iam_actions"),
            "trust": importlib.import_module("sbatch_08_trust_confused_deputy"),
        }
    finally:
        sys.path.remove(str(POLICY_DIR))


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True),
        ("db-password", True),
        ("API_KEY", True),
        ("GITHUB_TOKEN", True),
        ("CLIENT_SECRET", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("AWS_ACCESS_KEY_ID", True),
        ("DB_PASS", True),
        ("SSH_KEY", True),
        ("BASIC_AUTH", True),
        ("PASSENGER_COUNT", False),
        ("AUTHOR", False),
        ("PGPWD", False),
        ("LOG_LEVEL", False),
        ("DB_SECRET_ARN", False),
        ("TOKEN_PARAMETER_NAME", False),
        ("KMS_KEY_ID", False),
    ],
)
def test_secret_names(policies, name, secret) -> None:
    assert policies["env"].secret_name(name) is secret


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
        ("postgres://app:hunter2@db:5432/app", "credentials in a URL"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a private key"),
        ("info", None),
        ("https://example.com/path", None),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db", None),
        ("var.token", None),
    ],
)
def test_secret_values(policies, value, kind) -> None:
    assert policies["env"].secret_value(value) == kind


def test_wildcard_actions(policies) -> None:
    lib, iam = policies["lib"], policies["iam"]
    document = {
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "SQS:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*", "Resource": "*"},
        ]
    }
    problems = iam.statement_problems(lib.json_statements(document, "policy"))
    assert problems == ["policy.Statement[1]: action 'SQS:*' grants every action of the service"]


def test_unresolved_action_is_unknown_not_a_pass(policies) -> None:
    lib = policies["lib"]
    with pytest.raises(lib.Unresolved):
        lib.json_statements({"Statement": [{"Effect": "Allow", "Action": "var.actions"}]}, "policy")


def test_trust_condition_keys_are_case_insensitive(policies) -> None:
    lib, trust = policies["lib"], policies["trust"]
    statement = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}},
    }
    assert trust.trust_problems(lib.json_statements({"Statement": [statement]}, "trust")) == []
    statement["Condition"] = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
    assert trust.trust_problems(lib.json_statements({"Statement": [statement]}, "trust"))
