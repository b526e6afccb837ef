"""Client for the schedules an application creates at run time (the module's dynamic schedules).

Dependency-light on purpose: boto3 and the standard library only (plus this project's AWS cron
engine, itself stdlib-only), so application code can use it without the harness's dependencies::

    from batch_harness.dynamic_schedules import DynamicScheduleClient, DynamicScheduleConfig

    config = DynamicScheduleConfig.from_file("outputs.json")  # terraform output -json
    client = DynamicScheduleClient(config, boto3.client("scheduler"))
    client.create(owner="u42", name="weekly", job="report",
                  expression="cron(0 8 ? * MON *)", timezone="Europe/Berlin",
                  parameters={"format": "pdf"})

See docs/dynamic-schedules.md.
"""

from batch_harness.dynamic_schedules.client import DynamicScheduleClient, QuotaExceededError, ThrottledError
from batch_harness.dynamic_schedules.config import DynamicScheduleConfig, JobTarget
from batch_harness.dynamic_schedules.spec import DynamicSchedule, ScheduleRequest

__all__ = [
    "DynamicSchedule",
    "DynamicScheduleClient",
    "DynamicScheduleConfig",
    "JobTarget",
    "QuotaExceededError",
    "ScheduleRequest",
    "ThrottledError",
]
