"""JSON Schemas of the monitor's and the composer's bodies, for the OpenAPI document."""

from __future__ import annotations

from typing import Any, Final

Schema = dict[str, Any]

_STRING: Final[Schema] = {"type": "string"}
_TEXT: Final[Schema] = {"type": ["string", "null"]}
_COUNT: Final[Schema] = {"type": "integer", "minimum": 0}
_SECONDS: Final[Schema] = {"type": ["number", "null"], "description": "Seconds"}
_TIME: Final[Schema] = {"type": ["number", "null"], "description": "Seconds since the Unix epoch"}
_FLAG: Final[Schema] = {"type": "boolean"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> Schema:
    return {"type": "array", "items": _ref(name)}


def _answer(required: tuple[str, ...], **properties: Schema) -> Schema:
    # Answers may grow members; clients ignore those they do not know.
    return {"type": "object", "required": list(required), "properties": properties}


_FLOW_SUMMARY: Final = _answer(
    ("id", "blueprint", "version", "status", "startedAt", "endedAt"),
    id=_STRING,
    blueprint=_STRING,
    version={"type": "integer", "minimum": 1},
    status=_STRING,
    currentStates={"type": "array", "items": _STRING},
    error=_TEXT,
    cause=_TEXT,
    correlationId=_TEXT,
    startedAt=_TIME,
    endedAt=_TIME,
    updatedAt=_TIME,
    run=_COUNT,
)

_GRAPH: Final = _answer(
    ("start", "nodes", "groups", "edges"),
    start={**_TEXT, "description": "The id of the top-level StartAt state"},
    nodes=_list("GraphNode"),
    groups=_list("GraphGroup"),
    edges=_list("GraphEdge"),
)

_STATS: Final = _answer(
    ("blueprint", "counts", "started", "ended", "failed", "failureRate", "throughputPerHour"),
    blueprint=_STRING,
    version={"type": ["integer", "null"], "description": "Null: every version"},
    counts={
        "type": "object",
        "additionalProperties": _COUNT,
        "description": "Flows in each status now (ABORTED: terminated)",
    },
    started=_COUNT,
    ended=_COUNT,
    failed={**_COUNT, "description": "Ended FAILED, TIMED_OUT or ABORTED"},
    failureRate={"type": ["number", "null"], "description": "failed / ended"},
    throughputPerHour={"type": "number", "description": "Flows ended per hour"},
    p50Seconds=_SECONDS,
    p95Seconds=_SECONDS,
    hours=_list("HourStats"),
    states=_list("StateStats"),
)

MONITOR_SCHEMAS: Final[dict[str, Schema]] = {
    "FlowSummary": _FLOW_SUMMARY,
    "FlowSearch": _answer(
        ("items", "next"),
        items=_list("FlowSummary"),
        next={**_TEXT, "description": "The cursor of the next page; null on the last"},
    ),
    "GraphNode": _answer(
        ("id", "name", "type", "group", "start", "end"),
        id={**_STRING, "description": "The state's JSON pointer"},
        name=_STRING,
        type=_STRING,
        group={**_TEXT, "description": "The id of the group it is in"},
        start=_FLAG,
        end=_FLAG,
        resource=_TEXT,
        status={**_TEXT, "description": "In a flow's graph: its last step's status"},
        entered=_COUNT,
        attempts=_COUNT,
    ),
    "GraphGroup": _answer(
        ("id", "kind", "state", "label"),
        id=_STRING,
        kind={"type": "string", "enum": ["branch", "processor"]},
        state=_STRING,
        label=_STRING,
        parent=_TEXT,
        start=_TEXT,
        ends={"type": "array", "items": _STRING},
    ),
    "GraphEdge": _answer(
        ("source", "target", "kind"),
        source=_STRING,
        target=_STRING,
        kind={
            "type": "string",
            "enum": ["next", "choice", "default", "catch", "branch", "processor"],
        },
        label=_TEXT,
    ),
    "Graph": _GRAPH,
    "VersionGraph": _answer(
        ("name", "version", "graph"), name=_STRING, version=_COUNT, graph=_ref("Graph")
    ),
    "FlowGraph": _answer(
        ("id", "blueprint", "version", "graph"),
        id=_STRING,
        blueprint=_STRING,
        version=_COUNT,
        graph=_ref("Graph"),
    ),
    "HourStats": _answer(
        ("hour", "started", "succeeded", "failed"),
        hour={"type": "integer", "description": "The UTC hour's start, epoch seconds"},
        started=_COUNT,
        succeeded=_COUNT,
        failed=_COUNT,
    ),
    "StateStats": _answer(
        ("state", "running", "ended", "failed", "caught"),
        state=_STRING,
        running={**_COUNT, "description": "Running flows in this state now"},
        ended=_COUNT,
        failed=_COUNT,
        caught=_COUNT,
        meanSeconds=_SECONDS,
        p50Seconds=_SECONDS,
        p95Seconds=_SECONDS,
    ),
    "BlueprintStats": {
        **_STATS,
        "properties": {**_STATS["properties"], "from": _TIME, "to": _TIME},
    },
    "StatsOverview": _answer(
        ("from", "to", "items"), items=_list("BlueprintStats"), **{"from": _TIME, "to": _TIME}
    ),
    "ValidateRequest": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {**_STRING, "description": "The blueprint's JSON text, as typed"}},
    },
    "LocatedProblem": _answer(
        ("pointer", "code", "message", "line", "column"),
        pointer=_STRING,
        code=_STRING,
        message=_STRING,
        line={"type": "integer", "minimum": 1},
        column={"type": "integer", "minimum": 1, "description": "In characters"},
    ),
    "Validation": _answer(
        ("valid", "problems", "graph"),
        valid=_FLAG,
        problems=_list("LocatedProblem"),
        graph={"anyOf": [_ref("Graph"), {"type": "null"}], "description": "Null: not JSON"},
    ),
}
