"""Application side: a user schedules their report, in their time zone.

Uses only the client (boto3 + the standard library) and the module's outputs:

    terraform output -json > outputs.json
    python app/schedule_report.py --outputs outputs.json --user alice --timezone Europe/Berlin

Bad input (an unknown time zone, an hour out of range, a parameter the job does not declare) is
refused with a message naming the field, before any AWS call; exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from batch_harness.dynamic_schedules import DynamicSchedule, DynamicScheduleClient, DynamicScheduleConfig


def schedule_weekly_report(
    client: DynamicScheduleClient, user: str, weekday: str, hour: int, timezone: str, fmt: str
) -> DynamicSchedule:
    return client.create(
        owner=user,
        name="weekly-report",
        job="report",
        expression=f"cron(0 {hour} ? * {weekday} *)",
        timezone=timezone,
        parameters={"format": fmt},
    )


def main(argv: list[str] | None = None, scheduler: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", required=True, help="terraform output -json of the stack")
    parser.add_argument("--user", required=True)
    parser.add_argument("--weekday", default="MON")
    parser.add_argument("--hour", type=int, default=8)
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("--format", default="pdf")
    args = parser.parse_args(argv)

    config = DynamicScheduleConfig.from_file(args.outputs)
    client = DynamicScheduleClient(config, scheduler or DynamicScheduleClient.boto3_client())
    try:
        schedule = schedule_weekly_report(client, args.user, args.weekday, args.hour, args.timezone, args.format)
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"schedule": schedule.schedule_name, "arn": schedule.arn, "timezone": schedule.timezone}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
