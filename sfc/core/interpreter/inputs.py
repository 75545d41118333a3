"""What a flow receives: the messages of ``sfc.commands`` that :func:`decide` applies.

On the wire each is a JSON object with ``"type"`` set to its class name and camelCase
member names, so any Kafka producer can send one (see ``docs/commands.md``).
"""

from __future__ import annotations

import msgspec

from sfc.core.types import Json


class _Input(msgspec.Struct, frozen=True, tag=True, rename="camel", omit_defaults=True):
    """Every input names its message id (``id``, unique) and the flow it is for."""

    id: str
    flow_id: str


class StartFlow(_Input, frozen=True):
    """Start a flow of a blueprint (its latest version unless ``version`` is set)."""

    blueprint: str
    input: Json = None
    version: int | None = None
    correlation_id: str | None = None


class TaskSucceeded(_Input, frozen=True):
    """A job finished; ``output`` is its result."""

    token: str
    output: Json = None


class TaskFailed(_Input, frozen=True):
    """A job failed with an error name and cause.

    ``retryable`` False says the failure is permanent: the state's Retry is skipped and
    its Catch (if any matches) applies at once.
    """

    token: str
    error: str = "States.TaskFailed"
    cause: str | None = None
    retryable: bool = True


class TaskHeartbeat(_Input, frozen=True):
    """A worker is still busy with a job."""

    token: str


class TimerFired(_Input, frozen=True):
    """A timer of the flow is due."""

    timer: str


class Pause(_Input, frozen=True):
    """Schedule no new job until resumed; running jobs finish and their results count."""

    reason: str | None = None


class Resume(_Input, frozen=True):
    """Carry on after a pause."""


class Terminate(_Input, frozen=True):
    """Stop the flow for good (status ABORTED)."""

    reason: str | None = None


class Retry(_Input, frozen=True):
    """Run a FAILED, TIMED_OUT or ABORTED flow again from where it stopped."""


class Restart(_Input, frozen=True):
    """Run the flow again from the start; ``input`` replaces its input when given."""

    input: Json = None
    replace_input: bool = False
    latest: bool = False


class ExternalEvent(_Input, frozen=True):
    """An event for a Join: its name, correlation key and payload."""

    name: str
    key: str
    payload: Json = None


Event = (
    StartFlow
    | TaskSucceeded
    | TaskFailed
    | TaskHeartbeat
    | TimerFired
    | Pause
    | Resume
    | Terminate
    | Retry
    | Restart
    | ExternalEvent
)
"""Anything :func:`decide` applies to a flow."""
