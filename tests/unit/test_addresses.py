"""Terraform addresses and module trees (batch_harness.terraform.addresses), used by every plan/state reader."""

from __future__ import annotations

import pytest

from batch_harness.terraform.addresses import (
    base_address,
    module_resources,
    planned_resources,
    resource_type,
    state_resources,
)


@pytest.mark.parametrize(
    ("address", "kind", "base"),
    [
        ("aws_iam_role.this", "aws_iam_role", "aws_iam_role.this"),
        ('module.a["x.y"].module.b[0].aws_iam_role.this["k.v"]', "aws_iam_role", "module.a.module.b.aws_iam_role.this"),
        (
            "module.j.data.aws_iam_policy_document.doc[2]",
            "aws_iam_policy_document",
            "module.j.data.aws_iam_policy_document.doc",
        ),
        ("output", "output", "output"),
    ],
)
def test_resource_type_and_base_address(address, kind, base):
    assert resource_type(address) == kind
    assert base_address(address) == base


def test_module_trees_are_walked_depth_first_in_plans_and_states():
    tree = {
        "resources": [{"address": "a.one"}],
        "child_modules": [
            {"resources": [{"address": "module.m.b.two"}], "child_modules": [{"resources": [{"address": "c.three"}]}]},
            {"resources": [{"address": "module.n.d.four"}]},
        ],
    }
    expected = ["a.one", "module.m.b.two", "c.three", "module.n.d.four"]
    assert [r["address"] for r in module_resources(tree)] == expected
    assert [r["address"] for r in planned_resources({"planned_values": {"root_module": tree}})] == expected
    assert [r["address"] for r in state_resources({"values": {"root_module": tree}})] == expected
    assert list(state_resources({})) == [] and list(module_resources(None)) == []
