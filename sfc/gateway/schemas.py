"""JSON Schemas (2020-12, as OpenAPI 3.1 uses) of the gateway's request and answer bodies."""

from __future__ import annotations

from typing import Any, Final

Schema = dict[str, Any]

_ANY: Final[Schema] = {"description": "Any JSON value"}
_STRING: Final[Schema] = {"type": "string"}
_INT: Final[Schema] = {"type": "integer", "minimum": 1}
_TIME: Final[Schema] = {"type": ["number", "null"], "description": "Seconds since the Unix epoch"}
_TEXT: Final[Schema] = {"type": ["string", "null"]}
_NAME: Final[Schema] = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}$"}
_NAMES: Final[Schema] = {"type": "array", "items": _STRING}


def _object(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _items(name: str, *extra: str) -> Schema:
    properties: dict[str, Schema] = dict.fromkeys(extra, _STRING)
    properties["items"] = {"type": "array", "items": _ref(name)}
    return _object(("items", *extra), **properties)


def _answer(schema: Schema) -> Schema:
    # Answers may grow members; clients must ignore those they do not know.
    return {**schema, "additionalProperties": True}


_STATUS: Final[Schema] = {
    "type": "string",
    "enum": ["RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"],
}

_BLUEPRINT_SUMMARY: Final = _answer(
    _object(
        ("name", "latestVersion", "enabled", "versions", "messageType"),
        name=_STRING,
        latestVersion=_INT,
        enabled={"type": "boolean"},
        versions={"type": "array", "items": _INT, "description": "Every version number"},
        messageType={**_STRING, "description": "common or specific job routing"},
        comment=_TEXT,
        deployedAt=_TIME,
    )
)
_VERSION_INFO: Final = _answer(
    _object(
        ("name", "version"),
        name=_STRING,
        version=_INT,
        deployedAt=_TIME,
        comment=_TEXT,
        messageType=_STRING,
    )
)
_TASK_VERSION: Final = _answer(
    _object(
        ("name", "version", "definition"),
        name=_STRING,
        version=_INT,
        deployedAt=_TIME,
        definition={"type": "object"},
    )
)

SCHEMAS: Final[dict[str, Schema]] = {
    "Problem": _object(
        ("pointer", "code", "message"), pointer=_STRING, code=_STRING, message=_STRING
    ),
    "Error": _object(
        ("error",),
        error=_object(
            ("code", "message"),
            code=_STRING,
            message=_STRING,
            field=_STRING,
            problems={"type": "array", "items": _ref("Problem")},
        ),
    ),
    "BlueprintDeploy": _object(
        ("name", "definition"),
        name=_NAME,
        definition={
            "type": "object",
            "description": "Amazon States Language, with SFC's extensions",
        },
        comment=_STRING,
    ),
    "Deployed": _answer(_object(("name", "version"), name=_STRING, version=_INT)),
    "BlueprintSummary": _BLUEPRINT_SUMMARY,
    "BlueprintList": _items("BlueprintSummary"),
    "Blueprint": {
        "allOf": [_ref("BlueprintSummary"), _answer(_object(("definition",), definition=_ANY))]
    },
    "BlueprintVersionInfo": _VERSION_INFO,
    "BlueprintVersionList": _items("BlueprintVersionInfo", "name"),
    "BlueprintVersion": {
        "allOf": [_ref("BlueprintVersionInfo"), _answer(_object(("definition",), definition=_ANY))]
    },
    "BlueprintDiff": _answer(
        _object(
            ("name", "from", "to", "diff", "states"),
            name=_STRING,
            to=_INT,
            diff={
                "type": "string",
                "description": "Unified diff of the pretty-printed definitions",
            },
            states=_object(
                ("added", "removed", "changed"), added=_NAMES, removed=_NAMES, changed=_NAMES
            ),
            **{"from": _INT},
        )
    ),
    "BlueprintEnabled": _answer(
        _object(("name", "enabled"), name=_STRING, enabled={"type": "boolean"})
    ),
    "BlueprintControl": _answer(
        _object(
            ("blueprint", "action", "messageId", "partitions"),
            blueprint=_STRING,
            action={"type": "string", "enum": ["pause", "resume"]},
            messageId=_STRING,
            partitions=_INT,
        )
    ),
    "TaskDeploy": _object(("name", "definition"), name=_NAME, definition={"type": "object"}),
    "TaskSummary": _answer(
        _object(
            ("name", "latestVersion", "versions"),
            name=_STRING,
            latestVersion=_INT,
            versions={"type": "array", "items": _INT, "description": "Every version number"},
            deployedAt=_TIME,
        )
    ),
    "TaskList": _items("TaskSummary"),
    "TaskVersion": _TASK_VERSION,
    "TaskVersionList": _items("TaskVersion", "name"),
    "FlowStart": _object(
        ("blueprint",),
        blueprint=_STRING,
        version={**_INT, "description": "The version to run; the latest when left out"},
        input={**_ANY, "description": "The flow's input; {} when left out"},
        correlationId=_STRING,
    ),
    "FlowAccepted": _answer(
        _object(("id", "status"), id=_STRING, status={"type": "string", "const": "RUNNING"})
    ),
    "FlowOutcome": _answer(
        _object(
            ("id", "status", "output", "error", "cause"),
            id=_STRING,
            blueprint=_STRING,
            version=_INT,
            status=_STATUS,
            output=_ANY,
            error=_TEXT,
            cause=_TEXT,
            endedAt=_TIME,
        )
    ),
    "Flow": _answer(
        _object(
            ("id", "blueprint", "version", "status", "currentStates", "input", "output"),
            id=_STRING,
            blueprint=_STRING,
            version=_INT,
            status=_STATUS,
            currentStates=_NAMES,
            input=_ANY,
            output=_ANY,
            error=_TEXT,
            cause=_TEXT,
            startedAt=_TIME,
            endedAt=_TIME,
            updatedAt=_TIME,
            correlationId=_TEXT,
            run={"type": "integer", "minimum": 0},
        )
    ),
    "HistoryEvent": {
        "type": "object",
        "required": ["seq", "at", "type"],
        "properties": {"seq": _INT, "at": {"type": "number"}, "type": _STRING},
    },
    "FlowHistory": _items("HistoryEvent", "id"),
    "Step": {
        "type": "object",
        "required": ["flowId", "seq", "thread", "state", "status", "enteredAt"],
        "properties": {"flowId": _STRING, "seq": _INT, "state": _STRING, "status": _STRING},
    },
    "FlowSteps": _items("Step", "id"),
    "PauseRequest": _object(reason=_STRING),
    "TerminateRequest": _object(reason=_STRING),
    "RestartRequest": _object(
        input={**_ANY, "description": "Replaces the flow's input when given"},
        latest={"type": "boolean", "description": "Run the blueprint's latest version"},
    ),
    "ControlAccepted": _answer(
        _object(
            ("id", "action", "messageId"),
            id=_STRING,
            action={"type": "string", "enum": ["pause", "resume", "terminate", "retry", "restart"]},
            messageId=_STRING,
        )
    ),
    "Health": _object(("status",), status=_STRING),
    "Readiness": _object(
        ("status", "checks"),
        status={"type": "string", "enum": ["ready", "unavailable"]},
        checks={"type": "object", "additionalProperties": _STRING},
    ),
    "OpenApiDocument": {"type": "object"},
}
