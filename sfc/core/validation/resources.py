"""Task resources: the URIs SFC can route to, AWS ARNs, and the Mode each implies.

SFC runs ``http(s)://`` and ``grpc://`` resources synchronously (its executor makes the
call) and ``task:`` and ``kafka://`` resources asynchronously (a worker or service
replies). Any other absolute URI, as the States Language allows (an AWS ARN, ``foo:bar``),
and a deployment-template placeholder such as ``${Name}`` run asynchronously too: a worker
serves them under the whole resource string. SFC's own schemes and ARNs must be well
formed.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation.problems import Problem
from sfc.core.validation.structure import Outline, StateNode

Kind = Literal["http", "grpc", "task", "kafka", "arn", "other"]

_SYNC: Final = frozenset({"http", "grpc"})
_SFC_SCHEMES: Final = ("http://", "https://", "grpc://", "task:", "kafka://")

_HTTP: Final = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?\Z")
_GRPC: Final = re.compile(
    r"grpc://(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+):(?P<port>[0-9]{1,5})"
    r"/[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+/[A-Za-z_][A-Za-z0-9_]*\Z"
)
_TASK: Final = re.compile(r"task:[A-Za-z0-9_.\-]+(?::[1-9][0-9]*)?\Z")
_KAFKA: Final = re.compile(r"kafka://[A-Za-z0-9._\-]{1,249}\Z")
# Partition, service, region, account, then resource segments; a Lambda qualifier may be
# $LATEST. Region and account may be empty (arn:aws:states:::lambda:invoke), and the
# corpus accepts accounts that are not 12 digits long, as Step Functions' parser does.
_ARN: Final = re.compile(
    r"arn:aws(?:-[a-z]+)*:[a-z0-9\-]+:[a-z0-9\-]*:[0-9]*:"
    r"(?:[A-Za-z0-9_.\-/]+|\$LATEST)(?::(?:[A-Za-z0-9_.\-/]+|\$LATEST))*\Z"
)
_URI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+\Z")
_PLACEHOLDER: Final = re.compile(r"\$\{[^{}\s]+\}\Z")

_FORMS: Final = (
    "http(s)://..., grpc://host:port/package.Service/Method, task:<name>[:<version>], "
    "kafka://<topic>, an AWS ARN, or another absolute URI"
)


def kind_of(resource: str) -> Kind | None:
    """The kind of a resource SFC understands, or None when it is none of them."""
    if resource.startswith(("http://", "https://")):
        return "http" if _HTTP.match(resource) else None
    if resource.startswith("grpc://"):
        match = _GRPC.match(resource)
        return "grpc" if match and 0 < int(match["port"]) < 65536 else None
    if resource.startswith("task:"):
        return "task" if _TASK.match(resource) else None
    if resource.startswith("kafka://"):
        topic = resource[len("kafka://") :]
        return "kafka" if _KAFKA.match(resource) and topic not in (".", "..") else None
    if resource.startswith("arn:"):
        return "arn" if _ARN.match(resource) else None
    return None


def check_resources(outline: Outline) -> list[Problem]:
    """Check the Resource, Mode and ReplyTopic of every Task state."""
    problems: list[Problem] = []
    for state in outline.states:
        if state.type == "Task":
            problems += _check_task(state)
    return problems


def _check_task(state: StateNode) -> list[Problem]:
    resource = state.spec.get("Resource")
    problems: list[Problem] = []
    kind: Kind | None = None
    if "Resource" in state.spec:  # a missing Resource is reported as a missing field
        kind, problem = _resource_kind(resource, child(state.pointer, "Resource"))
        problems += [problem] if problem is not None else []
    mode = state.spec.get("Mode")
    if mode in ("Sync", "Async") and kind not in (None, "other"):
        expected = "Sync" if kind in _SYNC else "Async"
        if mode != expected:
            message = (
                f"Mode is {mode!r}, but a {kind} resource such as {resource!r} runs {expected}; "
                f"leave Mode out or set it to {expected!r}."
            )
            problems.append(Problem(child(state.pointer, "Mode"), "mode-mismatch", message))
    if "ReplyTopic" in state.spec and kind != "kafka":
        message = (
            f"ReplyTopic is only allowed with a kafka:// Resource, not with {_show(resource)}."
        )
        problems.append(Problem(child(state.pointer, "ReplyTopic"), "field-not-allowed", message))
    return problems


def _resource_kind(resource: Json, pointer: str) -> tuple[Kind | None, Problem | None]:
    if isinstance(resource, str):
        kind = kind_of(resource)
        if kind is not None:
            return kind, None
        if resource.startswith("arn:"):
            message = f"Resource {resource!r} is not a valid ARN."
            return None, Problem(pointer, "invalid-resource", message)
        foreign = not resource.startswith(_SFC_SCHEMES)
        if foreign and (_URI.match(resource) or _PLACEHOLDER.match(resource)):
            return "other", None
        message = f"Resource {resource!r} is not one of {_FORMS}."
        return None, Problem(pointer, "invalid-resource", message)
    message = f"Resource must be a string, one of {_FORMS}; not {_show(resource)}."
    return None, Problem(pointer, "invalid-resource", message)


def _show(value: Json) -> str:
    return repr(value) if isinstance(value, str) else type(value).__name__
