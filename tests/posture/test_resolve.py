"""The plan resolver's synthetic state, without running Terraform."""

from __future__ import annotations

from batch_harness.posture.planning import placeholder_for
from batch_harness.posture.resolve import synthesize_state, unknown_attributes
from batch_harness.terraform.runner import OFFLINE_PROVIDER_OVERRIDE, offline_provider_env

PROVIDER = "registry.terraform.io/hashicorp/aws"
SCHEMAS = {
    PROVIDER: {
        "resource_schemas": {
            "aws_iam_role": {
                "version": 0,
                "block": {
                    "attributes": {
                        "arn": {"type": "string", "computed": True},
                        "id": {"type": "string", "optional": True, "computed": True},
                        "name": {"type": "string", "optional": True, "computed": True},
                        "assume_role_policy": {"type": "string", "required": True},
                        "managed_policy_arns": {"type": ["set", "string"], "optional": True, "computed": True},
                        "unique_id": {"type": "string", "computed": True},
                        "max_session_duration": {"type": "number", "optional": True},
                    },
                    "block_types": {
                        "inline_policy": {
                            "nesting_mode": "set",
                            "block": {
                                "attributes": {
                                    "name": {"type": "string", "optional": True, "computed": True},
                                    "policy": {"type": "string", "optional": True, "computed": True},
                                }
                            },
                        }
                    },
                },
            },
            "aws_security_group": {
                "version": 1,
                "block": {
                    "attributes": {
                        "arn": {"type": "string", "computed": True},
                        "ingress": {
                            "type": ["set", ["object", {"from_port": "number"}]],
                            "optional": True,
                            "computed": True,
                        },
                        "description": {"type": "string", "optional": True, "computed": True},
                    }
                },
            },
        }
    }
}


def _change(address: str, rtype: str, name: str, after: dict, unknown: dict, module: str | None = None, index=None):
    change = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": PROVIDER,
        "change": {"actions": ["create"], "after": after, "after_unknown": unknown},
    }
    if module:
        change["module_address"] = module
    if index is not None:
        change["index"] = index
    return change


def _plan(*changes):
    return {"terraform_version": "1.11.4", "resource_changes": list(changes)}


def test_stand_ins_are_distinct_per_resource_and_follow_the_name() -> None:
    plan = _plan(
        _change(
            'module.job["a"].aws_iam_role.job',
            "aws_iam_role",
            "job",
            {"name": "a-job"},
            {"arn": True, "id": True},
            module='module.job["a"]',
        ),
        _change(
            'module.job["a"].aws_iam_role.exec',
            "aws_iam_role",
            "exec",
            {"name": "a-exec"},
            {"arn": True},
            module='module.job["a"]',
        ),
    )
    state = synthesize_state(plan, SCHEMAS)
    arns = {r["name"]: r["instances"][0]["attributes"]["arn"] for r in state["resources"]}
    assert arns == {
        "job": "arn:aws:iam::123456789012:role/a-job",
        "exec": "arn:aws:iam::123456789012:role/a-exec",
    }
    assert all(r["module"] == 'module.job["a"]' for r in state["resources"])
    assert state["version"] == 4


def test_unnamed_resources_get_unique_stand_ins_from_their_address() -> None:
    plan = _plan(
        _change("aws_iam_role.x[0]", "aws_iam_role", "x", {}, {"arn": True, "name": True}, index=0),
        _change("aws_iam_role.x[1]", "aws_iam_role", "x", {}, {"arn": True, "name": True}, index=1),
    )
    (resource,) = synthesize_state(plan, SCHEMAS)["resources"]
    first, second = (i["attributes"]["arn"] for i in resource["instances"])
    assert first != second and first.startswith("arn:aws:iam::123456789012:role/")
    assert [i["index_key"] for i in resource["instances"]] == [0, 1]


def test_optional_computed_collections_become_empty_not_invented() -> None:
    """An omitted ingress must stay empty, so "no ingress" is what the resolved plan shows."""
    plan = _plan(
        _change(
            "aws_security_group.sg", "aws_security_group", "sg", {}, {"arn": True, "ingress": True, "description": True}
        ),
        _change(
            "aws_iam_role.r",
            "aws_iam_role",
            "r",
            {"name": "r", "assume_role_policy": "{}"},
            {"managed_policy_arns": True, "inline_policy": True, "unique_id": True},
        ),
    )
    resources = {r["type"]: r["instances"][0]["attributes"] for r in synthesize_state(plan, SCHEMAS)["resources"]}
    assert resources["aws_security_group"]["ingress"] == []
    assert resources["aws_security_group"]["description"] is None
    assert resources["aws_iam_role"]["managed_policy_arns"] == []
    assert resources["aws_iam_role"]["inline_policy"] == []
    assert resources["aws_iam_role"]["unique_id"]  # computed-only: a stand-in
    assert resources["aws_iam_role"]["max_session_duration"] is None


def test_unknown_attributes_only_reports_watched_ones() -> None:
    plan = _plan(
        _change("aws_iam_role.r", "aws_iam_role", "r", {}, {"arn": True, "assume_role_policy": True}),
        _change("aws_security_group.sg", "aws_security_group", "sg", {}, {"ingress": [{"from_port": True}]}),
    )
    watched = {"aws_iam_role": ("assume_role_policy",), "aws_security_group": ("ingress",)}
    assert unknown_attributes(plan, watched) == {
        ("aws_iam_role.r", "assume_role_policy"),
        ("aws_security_group.sg", "ingress"),
    }


def test_placeholders_only_for_identity_inputs() -> None:
    assert placeholder_for("vpc_id", "string") == "vpc-0a1b2c3d4e5f60718"
    assert placeholder_for("subnet_ids", "list(string)") == ["subnet-0a1b2c3d4e5f60718"]
    assert placeholder_for("name", "string") == "posture"
    assert placeholder_for("privileged", "bool") is None  # a made-up flag must not decide a verdict
    assert placeholder_for("jobs", "map(object({image=string}))") is None


def test_offline_provider_points_only_sfn_at_the_stub() -> None:
    assert offline_provider_env("http://127.0.0.1:1234") == {"AWS_ENDPOINT_URL_SFN": "http://127.0.0.1:1234"}
    assert offline_provider_env(None) == {}
    assert "skip_credentials_validation = true" in OFFLINE_PROVIDER_OVERRIDE
    assert "endpoints" not in OFFLINE_PROVIDER_OVERRIDE  # ~2 CPU-s per provider configure


def test_unknown_values_get_the_marker_and_known_ones_stay() -> None:
    from batch_harness.posture.checkov_worker import AFTER_UNKNOWN, mark_unknowns

    plan = {
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "resources": [
                            {
                                "address": "module.m.aws_cloudwatch_event_target.t",
                                "values": {"rule": "r", "dead_letter_config": [{}], "retry_policy": []},
                            }
                        ]
                    }
                ]
            }
        },
        "resource_changes": [
            {
                "address": "module.m.aws_cloudwatch_event_target.t",
                "type": "aws_cloudwatch_event_target",
                "change": {"after_unknown": {"dead_letter_config": [{"arn": True}], "id": True, "rule": False}},
            }
        ],
    }
    values = mark_unknowns(plan)["planned_values"]["root_module"]["child_modules"][0]["resources"][0]["values"]
    assert values["dead_letter_config"] == [{"arn": AFTER_UNKNOWN}]  # a queue created in the same plan: set
    assert "id" not in values  # not read by a custom check: checkov's usual "unknown = absent"
    assert values["rule"] == "r"
    assert values["retry_policy"] == []  # really absent stays absent
