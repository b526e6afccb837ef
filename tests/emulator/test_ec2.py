"""EC2 launch templates over HTTP (+ canary on bare moto)."""

from __future__ import annotations

from typing import Any

from batch_harness.emulator import LocalAccount

from .conftest import unique

METADATA = {"HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 1}
TEMPLATE_TAGS = [{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "data"}]}]


def _create(ec2: Any, **data: Any) -> str:
    return str(
        ec2.create_launch_template(
            LaunchTemplateName=unique("lt"),
            LaunchTemplateData={"MetadataOptions": METADATA, **data},
            TagSpecifications=TEMPLATE_TAGS,
        )["LaunchTemplate"]["LaunchTemplateId"]
    )


def _version_data(ec2: Any, template_id: str) -> dict[str, Any]:
    versions = ec2.describe_launch_template_versions(LaunchTemplateId=template_id)["LaunchTemplateVersions"]
    assert len(versions) == 1
    return dict(versions[0]["LaunchTemplateData"])


def test_create_launch_template_tags_the_template_not_its_version(account: LocalAccount) -> None:
    ec2 = account.client("ec2")
    template_id = _create(ec2)
    assert "TagSpecifications" not in _version_data(ec2, template_id)
    template = ec2.describe_launch_templates(LaunchTemplateIds=[template_id])["LaunchTemplates"][0]
    assert template["Tags"] == [{"Key": "team", "Value": "data"}]


def test_create_launch_template_keeps_the_data_own_tag_specifications(account: LocalAccount) -> None:
    ec2 = account.client("ec2")
    instance_tags = [{"ResourceType": "instance", "Tags": [{"Key": "job", "Value": "batch"}]}]
    template_id = _create(ec2, TagSpecifications=instance_tags)
    assert _version_data(ec2, template_id)["TagSpecifications"] == instance_tags


def test_canary_moto_echoes_template_tags_into_the_version_data(unpatched_moto: Any) -> None:
    ec2 = unpatched_moto("ec2")
    template_id = _create(ec2)
    assert _version_data(ec2, template_id)["TagSpecifications"] == TEMPLATE_TAGS
