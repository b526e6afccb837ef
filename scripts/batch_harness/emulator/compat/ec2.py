"""EC2: launch template versions hold only their own LaunchTemplateData."""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ec2.utils import convert_tag_spec

from .patching import Patch, original, replace


def patch_launch_template_tag_specifications() -> None:
    """CreateLaunchTemplate's own TagSpecifications tag the template, not its first version.

    AWS: ``TagSpecifications`` on CreateLaunchTemplate (resource type ``launch-template``) tag the
    launch template itself; DescribeLaunchTemplateVersions returns as ``LaunchTemplateData``
    exactly what was given in ``LaunchTemplateData`` (its ``TagSpecifications`` only if the data
    had some — those tag the instances/volumes launched from it).
    moto 5.2.5: ``LaunchTemplates.create_launch_template`` appends the request's top-level tag
    specifications to the version's data, so the provider reads ``tag_specifications`` back that
    were never configured: an ``aws_launch_template`` with ``tags`` (and a Batch compute
    environment using its ``latest_version``) shows a change on every plan.
    Here the first version's data is put back to the request's ``LaunchTemplateData`` tag
    specifications after moto created the template (its tags stay as moto set them).
    """
    moto_create = original(LaunchTemplates, "create_launch_template")

    def create_launch_template(self: LaunchTemplates) -> ActionResult:
        # moto mutates the parsed request data in place: keep a copy of what the caller sent.
        data = self._get_param("LaunchTemplateData", {}) or {}
        own: list[Any] | None = copy.deepcopy(data.get("TagSpecifications"))
        result = moto_create(self)
        template_id = result.result["LaunchTemplate"]["LaunchTemplateId"]
        version = self.ec2_backend.get_launch_template(template_id).versions[0]
        if own:
            version.data["TagSpecifications"] = own
        else:
            version.data.pop("TagSpecifications", None)
        # Instances launched from the template get only the data's "instance" tags.
        version.instance_tags = convert_tag_spec(own or []).get("instance", {})
        return result

    replace(LaunchTemplates, "create_launch_template", create_launch_template)


PATCHES = [
    Patch(
        "ec2.launch_template_tag_specifications",
        "CreateLaunchTemplate TagSpecifications tag the template, not its version data",
        patch_launch_template_tag_specifications,
    ),
]
