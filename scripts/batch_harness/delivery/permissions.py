"""Would AWS let a schedule's role do what the schedule asks? Two answers, one interface.

* ``LocalPermissions`` (local account): the role's trust and permission policies are read back
  from IAM and evaluated by ``batch_harness.iam`` (moto's own IAM enforcement is unusable: see docs/emulator.md).
* ``SimulatedPermissions`` (real account): ``iam:SimulatePrincipalPolicy`` answers the permission
  question. No AWS API evaluates a trust policy for a service principal, so the trust question is
  answered by the same local evaluator over the trust policy read back from IAM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from batch_harness.accounts.paging import items
from batch_harness.iam import Decision, Request, RolePolicies, evaluate, read_role_policies


class RoleReadError(RuntimeError):
    """The role itself cannot be read (missing, or the caller may not read it)."""


class Permissions(Protocol):
    def role(self, role_arn: str) -> RolePolicies: ...

    def allows(self, role_arn: str, requests: Sequence[Request]) -> Decision: ...

    def trusts(self, role_arn: str, service: str, context: Mapping[str, str]) -> Decision: ...


def session_context(role_arn: str, account_id: str, region: str, now: dt.datetime | None = None) -> dict[str, str]:
    """Global condition keys AWS puts on a request made with a service's session of ``role_arn``."""
    now = now or dt.datetime.now(dt.UTC)
    return {
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": account_id,
        "aws:PrincipalType": "AssumedRole",
        "aws:RequestedRegion": region,
        "aws:SecureTransport": "true",
        "aws:ViaAWSService": "false",
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
    }


def assumed_role_principal(role_arn: str, session: str = "batch-harness") -> str:
    """``arn:aws:iam::ACCT:role/path/NAME`` -> ``arn:aws:sts::ACCT:assumed-role/NAME/SESSION``."""
    parts = role_arn.split(":", 5)
    name = parts[5].rsplit("/", 1)[-1]
    return f"arn:{parts[1]}:sts::{parts[4]}:assumed-role/{name}/{session}"


class LocalPermissions:
    """Evaluate read-back policies with the harness's IAM evaluator (roles cached per run)."""

    def __init__(self, iam_client: Any) -> None:
        self._iam = iam_client
        self._roles: dict[str, RolePolicies] = {}

    def role(self, role_arn: str) -> RolePolicies:
        if role_arn not in self._roles:
            try:
                self._roles[role_arn] = read_role_policies(self._iam, role_arn)
            except ClientError as error:
                raise RoleReadError(f"role {role_arn} cannot be read back: {_error_text(error)}") from None
        return self._roles[role_arn]

    def allows(self, role_arn: str, requests: Sequence[Request]) -> Decision:
        return self.role(role_arn).evaluate_all(list(requests))

    def trusts(self, role_arn: str, service: str, context: Mapping[str, str]) -> Decision:
        return self.role(role_arn).can_assume(service, dict(context))


def resource_policy_allows(request: Request, policy: object) -> Decision:
    """A resource policy alone (e.g. a DLQ's queue policy for events.amazonaws.com)."""
    return evaluate(request, [], resource_policy=policy)


class SimulatedPermissions(LocalPermissions):
    """Permissions from ``iam:SimulatePrincipalPolicy``; trust from the local evaluator.

    An endpoint that does not implement SimulatePrincipalPolicy (an emulator without the compat
    patch) gets the local evaluator instead, and ``fallbacks`` says so — a real account always
    answers the call.
    """

    def __init__(self, iam_client: Any) -> None:
        super().__init__(iam_client)
        self.fallbacks: list[str] = []

    def allows(self, role_arn: str, requests: Sequence[Request]) -> Decision:
        grants: list[str] = []
        for request in requests:
            entries = [
                {
                    "ContextKeyName": key,
                    "ContextKeyValues": value if isinstance(value, list) else [value],
                    "ContextKeyType": "stringList" if isinstance(value, list) else "string",
                }
                for key, value in request.context.items()
            ]
            try:
                results = self._simulate(role_arn, request, entries)
            except (ClientError, BotoCoreError, ResponseParserError) as error:
                if _not_implemented(error):
                    note = "the endpoint does not implement iam:SimulatePrincipalPolicy: used the local evaluator"
                    if note not in self.fallbacks:
                        self.fallbacks.append(note)
                    return super().allows(role_arn, requests)
                return Decision(False, f"iam:SimulatePrincipalPolicy failed: {error_text(error)}")
            for result in results:
                decision = result.get("EvalDecision", "implicitDeny")
                if decision != "allowed":
                    matched = [s.get("SourcePolicyId", "?") for s in result.get("MatchedStatements", [])]
                    via = f" (statements: {', '.join(matched)})" if matched else ""
                    missing = result.get("MissingContextValues") or []
                    need = f"; missing context: {', '.join(missing)}" if missing else ""
                    what = f"{request.action} on {request.resource}"
                    return Decision(False, f"iam:SimulatePrincipalPolicy: {decision} for {what}{via}{need}")
                grants.append(f"{request.resource}: allowed")
        return Decision(True, "; ".join(grants) or "allowed")

    def _simulate(self, role_arn: str, request: Request, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(
            items(
                self._iam,
                "simulate_principal_policy",
                "EvaluationResults",
                PolicySourceArn=role_arn,
                ActionNames=[request.action],
                ResourceArns=[request.resource],
                ContextEntries=entries,
            )
        )


def _not_implemented(error: Exception) -> bool:
    if isinstance(error, ResponseParserError):
        return True  # moto answers unimplemented actions with a non-XML error page
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in ("NotImplemented", "NotImplementedError") or status == 501
    return False


def _error_text(error: ClientError) -> str:
    err = error.response.get("Error", {})
    return f"{err.get('Code', 'Error')}: {err.get('Message', str(error))}"


def error_text(error: Exception) -> str:
    return _error_text(error) if isinstance(error, ClientError) else str(error)
