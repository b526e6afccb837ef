"""In-memory stand-ins for the few AWS API calls the delivery code makes (fast, exact unit tests).

Each fake answers with the response shapes of the real API (as boto3 returns them) and raises
``ClientError`` with the real error codes where the real API would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from fake_paging import Paginating

ACCOUNT = "123456789012"
REGION = "us-east-1"
QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/reports-default"
JOBDEF_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/reports-hello:3"
SM_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:reports-weekly"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/reports-hello-daily"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:reports-dlq"
SCHEDULE_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/reports/hello-daily"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/reports-hello-daily"


def client_error(code: str, message: str = "", operation: str = "Call") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message or code}}, operation)


def scheduler_trust(source_arn: str = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/reports") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": source_arn}},
            }
        ],
    }


def submit_policy(*resources: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "SubmitOwnJob", "Effect": "Allow", "Action": "batch:SubmitJob", "Resource": list(resources)}
        ],
    }


class FakeBatch:
    def __init__(self) -> None:
        self.queues: dict[str, dict[str, Any]] = {
            QUEUE_ARN: {
                "jobQueueName": "reports-default",
                "jobQueueArn": QUEUE_ARN,
                "state": "ENABLED",
                "status": "VALID",
            }
        }
        self.definitions: list[dict[str, Any]] = [
            {"jobDefinitionName": "reports-hello", "jobDefinitionArn": JOBDEF_ARN, "revision": 3, "status": "ACTIVE"}
        ]
        self.submitted: list[dict[str, Any]] = []
        self.jobs: dict[str, dict[str, Any]] = {}

    def describe_job_queues(self, jobQueues: list[str]) -> dict[str, Any]:
        found = [q for q in self.queues.values() if q["jobQueueArn"] in jobQueues or q["jobQueueName"] in jobQueues]
        return {"jobQueues": found}

    def describe_job_definitions(self, **kwargs: Any) -> dict[str, Any]:
        if "jobDefinitions" in kwargs:
            wanted = kwargs["jobDefinitions"][0]
            return {
                "jobDefinitions": [
                    d
                    for d in self.definitions
                    if wanted in (d["jobDefinitionArn"], f"{d['jobDefinitionName']}:{d['revision']}")
                ]
            }
        return {
            "jobDefinitions": [
                d
                for d in self.definitions
                if d["jobDefinitionName"] == kwargs["jobDefinitionName"]
                and d["status"] == kwargs.get("status", d["status"])
            ]
        }

    def submit_job(self, **params: Any) -> dict[str, Any]:
        self.submitted.append(params)
        job_id = f"job-{len(self.submitted)}"
        self.jobs[job_id] = {
            "jobId": job_id,
            "jobName": params["jobName"],
            "jobQueue": QUEUE_ARN,
            "jobDefinition": JOBDEF_ARN,
            "status": "SUCCEEDED",
            "attempts": [{}],
            "createdAt": 1_000,
            "stoppedAt": 3_500,
        }
        return {"jobId": job_id, "jobName": params["jobName"], "jobArn": f"arn:job/{job_id}"}

    def describe_jobs(self, jobs: list[str]) -> dict[str, Any]:
        return {"jobs": [self.jobs[j] for j in jobs if j in self.jobs]}


class FakeStepFunctions:
    def __init__(self) -> None:
        self.machines = {SM_ARN: {"stateMachineArn": SM_ARN, "status": "ACTIVE"}}
        self.started: list[dict[str, Any]] = []

    def describe_state_machine(self, stateMachineArn: str) -> dict[str, Any]:
        if stateMachineArn not in self.machines:
            raise client_error("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{stateMachineArn}'")
        return self.machines[stateMachineArn]

    def start_execution(self, **params: Any) -> dict[str, Any]:
        self.started.append(params)
        return {"executionArn": f"{SM_ARN.replace(':stateMachine:', ':execution:')}:run-{len(self.started)}"}


@dataclass
class FakeRole:
    trust: dict[str, Any]
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeIam(Paginating):
    def __init__(self) -> None:
        self.roles: dict[str, FakeRole] = {}

    def add_role(self, name: str, trust: dict[str, Any], **inline: dict[str, Any]) -> None:
        self.roles[name] = FakeRole(trust, dict(inline))

    def _role(self, name: str) -> FakeRole:
        if name not in self.roles:
            raise client_error("NoSuchEntity", f"The role with name {name} cannot be found.")
        return self.roles[name]

    def get_role(self, RoleName: str) -> dict[str, Any]:
        role = self._role(RoleName)
        return {
            "Role": {
                "RoleName": RoleName,
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/{RoleName}",
                "AssumeRolePolicyDocument": role.trust,
            }
        }

    def list_role_policies(self, RoleName: str, **_: Any) -> dict[str, Any]:
        return {"PolicyNames": list(self._role(RoleName).inline), "IsTruncated": False}

    def get_role_policy(self, RoleName: str, PolicyName: str) -> dict[str, Any]:
        return {"PolicyDocument": self._role(RoleName).inline[PolicyName]}

    def list_attached_role_policies(self, RoleName: str, **_: Any) -> dict[str, Any]:
        self._role(RoleName)
        return {"AttachedPolicies": [], "IsTruncated": False}


class FakeSqs:
    def __init__(self) -> None:
        self.queues: dict[str, dict[str, str]] = {}

    def add_queue(self, name: str, **attributes: Any) -> None:
        self.queues[name] = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in attributes.items()}

    def get_queue_url(self, QueueName: str, **_: Any) -> dict[str, Any]:
        if QueueName not in self.queues:
            raise client_error("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
        return {"QueueUrl": f"https://sqs/{ACCOUNT}/{QueueName}"}

    def get_queue_attributes(self, QueueUrl: str, **_: Any) -> dict[str, Any]:
        return {"Attributes": self.queues[QueueUrl.rsplit("/", 1)[-1]]}


class FakeKms:
    def __init__(self) -> None:
        self.keys: dict[str, dict[str, Any]] = {}

    def describe_key(self, KeyId: str) -> dict[str, Any]:
        return {"KeyMetadata": self.keys[KeyId]["meta"]}

    def get_key_policy(self, KeyId: str, PolicyName: str) -> dict[str, Any]:
        return {"Policy": json.dumps(self.keys[KeyId]["policy"])}


class FakeClients:
    def __init__(self) -> None:
        self.batch = FakeBatch()
        self.stepfunctions = FakeStepFunctions()
        self.iam = FakeIam()
        self.sqs = FakeSqs()
        self.kms = FakeKms()

    def __call__(self, service: str) -> Any:
        return getattr(self, service)
