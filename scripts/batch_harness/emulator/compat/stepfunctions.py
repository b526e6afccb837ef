"""Step Functions: the operations the AWS provider calls, and the optimised-integration casing."""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from typing import Any

from moto.core.responses import ActionResult
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
    StateTaskService,
)
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.parser.utils import camel_to_snake_case
from moto.stepfunctions.responses import StepFunctionResponse

from .patching import Patch, replace


def validate_definition(definition: str) -> list[dict[str, str]]:
    """Diagnostics for an ASL definition, from moto's own ASL parser (empty = valid)."""
    try:
        json.loads(definition)
    except (TypeError, ValueError) as error:
        return [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(error)}]
    try:
        StepFunctionsParserBackend._validate_definition(definition=definition)
    except Exception as error:  # moto raises InvalidDefinition (message) or the parser's own error
        message = getattr(error, "message", None) or str(error)
        return [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message}]
    return []


def patch_validate_state_machine_definition() -> None:
    """ValidateStateMachineDefinition answers.

    AWS: returns result OK, or FAIL with diagnostics (severity, code, message). hashicorp/aws
    >= 5.67 calls it while planning every aws_sfn_state_machine whose definition is known.
    moto 5.2.5: not implemented (HTTP 500), which the provider retries for minutes.
    Here the definition is checked by moto's ASL parser, the same one that will execute it.
    """

    def validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
        diagnostics = validate_definition(self._get_param("definition") or "")
        return ActionResult({"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False})

    replace(StepFunctionResponse, "validate_state_machine_definition", validate_state_machine_definition)


def patch_list_state_machine_versions() -> None:
    """ListStateMachineVersions answers.

    AWS: lists the published versions of a state machine, newest first (empty when none was
    published). hashicorp/aws reads it for every aws_sfn_state_machine.
    moto 5.2.5: not implemented (HTTP 500) although it keeps the versions it publishes.
    """

    def list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(getattr(machine, "versions", {}).items(), key=lambda item: item[0], reverse=True)
        return ActionResult(
            {
                "stateMachineVersions": [
                    {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date}
                    for _, version in versions
                ]
            }
        )

    replace(StepFunctionResponse, "list_state_machine_versions", list_state_machine_versions)


@functools.lru_cache(maxsize=256)
def operation_model(service_name: str, action: str) -> Any:
    """botocore's model of ``service_name``'s operation ``action`` (any casing), or None."""
    model = _session().get_service_model(service_name)
    wanted = camel_to_snake_case(action)
    for name in model.operation_names:
        if camel_to_snake_case(name) == wanted:
            return model.operation_model(name)
    return None


@functools.lru_cache(maxsize=1)
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def patch_integration_normalisation() -> None:
    """Optimised integrations map SFN PascalCase parameters and results through botocore shapes.

    AWS: `arn:aws:states:::batch:submitJob.sync` takes JobName/JobQueue/JobDefinition/
    ContainerOverrides/Parameters and returns the job in PascalCase (JobId, Status, Container, ...);
    every optimised and aws-sdk integration is cased this way.
    moto 5.2.5: the two hooks that do it (``StateTaskService._normalise_parameters`` /
    ``_normalise_response``, ported from LocalStack) are empty, so boto3 receives `JobName`
    and fails (`States.Runtime 'JobName'`), and `.sync` cannot find `JobId` in the result.
    """

    def _normalise_parameters(
        self: StateTaskService,
        parameters: dict[str, Any],
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        model = operation_model(
            self._get_boto_service_name(boto_service_name=boto_service_name),
            self._get_boto_service_action(service_action_name=service_action_name),
        )
        if model is not None and model.input_shape is not None:
            self._to_boto_request(parameters, model.input_shape)

    def _normalise_response(
        self: StateTaskService,
        response: Any,
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        model = operation_model(
            self._get_boto_service_name(boto_service_name=boto_service_name),
            self._get_boto_service_action(service_action_name=service_action_name),
        )
        if model is not None and model.output_shape is not None:
            self._from_boto_response(response, model.output_shape)

    replace(StateTaskService, "_normalise_parameters", _normalise_parameters)
    replace(StateTaskService, "_normalise_response", _normalise_response)


def patch_execution_default_name() -> None:
    """StartExecution without a name gets a unique one.

    AWS: `name` is optional; when omitted the execution gets a UUID name, so a state machine can
    be started any number of times without naming executions (EventBridge Scheduler does so).
    moto 5.2.5 (executing backend): uses the literal name "None", so the second unnamed start of a
    state machine fails with ExecutionAlreadyExists.
    """
    start = StepFunctionsParserBackend.start_execution

    def start_execution(
        self: StepFunctionsParserBackend, state_machine_arn: str, name: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        return start(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    replace(StepFunctionsParserBackend, "start_execution", start_execution)


def patch_batch_submit_job_parameters() -> None:
    """batch:submitJob passes every SubmitJob field, ShareIdentifier included.

    AWS: the optimised Batch integration takes the SubmitJob request in PascalCase - the AWS
    example shows PropagateTags; a fair-share queue needs ShareIdentifier.
    moto 5.2.5: keeps only ten fields and silently drops the rest (ShareIdentifier,
    SchedulingPriorityOverride, PropagateTags, NodeOverrides, EksPropertiesOverride...), so a
    pipeline step on a fair-share queue cannot pass its share identifier.
    """
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_batch as batch_service,
    )

    model = operation_model("batch", "SubmitJob")
    pascal = {name[:1].upper() + name[1:] for name in model.input_shape.members}
    bindings = dict(batch_service._SUPPORTED_API_PARAM_BINDINGS)
    bindings["submitjob"] = set(bindings["submitjob"]) | pascal
    replace(batch_service, "_SUPPORTED_API_PARAM_BINDINGS", bindings)


def iso8601_millis(value: Any) -> Any:
    """`2019-03-26T20:14:13.192Z`, the form AWS uses in the context object (strings pass)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        utc = value.astimezone(datetime.UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    return value


def patch_context_start_time() -> None:
    """`$$.Execution.StartTime` is an ISO-8601 string.

    AWS: the context object's Execution.StartTime is a string such as `2019-03-26T20:14:13.192Z`,
    usable in Parameters, intrinsic functions and the execution output.
    moto 5.2.5: puts a Python datetime there; a state machine that passes it on (e.g. as the run's
    scheduled time) ends with an output DescribeExecution cannot serialise (HTTP 500), and a
    string field built from it is not a timestamp string.
    """
    from moto.stepfunctions.parser.backend.execution import Execution

    details = Execution.get_start_execution_details

    def get_start_execution_details(self: Any) -> Any:
        result = details(self)
        result.start_time = iso8601_millis(result.start_time)  # type: ignore[misc]  # Final in moto's typing only
        return result

    replace(Execution, "get_start_execution_details", get_start_execution_details)


def propagated_error_name(error_name: str | None) -> Any:
    """The ErrorName object for an error re-raised by a Parallel or Map state: a States.* name
    stays a States error (so Retry/Catch on States.TaskFailed or States.ALL match it)."""
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName

    if error_name is not None and error_name.startswith("States."):
        try:
            return StatesErrorName.from_name(error_name)
        except ValueError:
            pass  # an unknown States.* name: let CustomErrorName report it as before
    return CustomErrorName(error_name=error_name)


def patch_branch_error_propagation() -> None:
    """A Parallel (or Map) state fails with its branch's error name, States.* included.

    AWS: when a branch fails with States.TaskFailed (a failed `.sync` job), the Parallel state
    fails with States.TaskFailed, which its own Retry/Catch can handle.
    moto 5.2.5: wraps the branch's error in CustomErrorName, which refuses names starting with
    "States." - the execution then dies with States.Runtime (uncatchable) instead.
    """
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import iteration_worker
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    replace(branches_decl, "CustomErrorName", propagated_error_name)
    replace(iteration_worker, "CustomErrorName", propagated_error_name)


PATCHES = [
    Patch(
        "stepfunctions.context_start_time",
        "$$.Execution.StartTime is an ISO-8601 string",
        patch_context_start_time,
    ),
    Patch(
        "stepfunctions.batch_submit_job_parameters",
        "batch:submitJob passes ShareIdentifier and every other SubmitJob field",
        patch_batch_submit_job_parameters,
    ),
    Patch(
        "stepfunctions.branch_error_propagation",
        "Parallel/Map states fail with the branch's States.* error name",
        patch_branch_error_propagation,
    ),
    Patch(
        "stepfunctions.execution_default_name",
        "StartExecution without a name gets a UUID name",
        patch_execution_default_name,
    ),
    Patch(
        "stepfunctions.validate_state_machine_definition",
        "ValidateStateMachineDefinition answers OK/FAIL from the ASL parser",
        patch_validate_state_machine_definition,
    ),
    Patch(
        "stepfunctions.list_state_machine_versions",
        "ListStateMachineVersions lists published versions",
        patch_list_state_machine_versions,
    ),
    Patch(
        "stepfunctions.integration_normalisation",
        "optimised integrations accept PascalCase parameters and return PascalCase results",
        patch_integration_normalisation,
    ),
]
