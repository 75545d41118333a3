"""The messages a job consumer sends to ``sfc.commands``, made from how a job ended.

Pure: no I/O. A reply is encoded here, once, so that an output that cannot be encoded
or is too big becomes a clear task failure instead of an error while producing.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from sfc.core import Job, TaskFailed, TaskHeartbeat, TaskSucceeded
from sfc.core.types import Json
from sfc.kafka.records import ENCODER
from sfc.worker.errors import TaskError

INVALID_OUTPUT: Final = "SFC.InvalidOutput"
"""The error of a job whose output is not JSON, or is larger than allowed."""

TIMEOUT: Final = "States.Timeout"
"""The error of a job whose handler ran past the job's ``timeoutSeconds``."""

MAX_CAUSE: Final = 8192
"""Characters of an error's cause kept in a reply."""


class Outgoing(NamedTuple):
    """One encoded message for ``sfc.commands``.

    Attributes:
        flow_id: The flow it is for (the record's key).
        message_id: Its unique message id.
        type: The message class name (the ``sfc-type`` header).
        value: The encoded message.
        blueprint: The flow's blueprint (the ``sfc-blueprint`` header).
        failed: Whether it reports a failure.
    """

    flow_id: str
    message_id: str
    type: str
    value: bytes
    blueprint: str
    failed: bool = False


def reply_id(job: Job) -> str:
    """The message id of a job's reply: the same for every run of the job, by design.

    The engine applies the first reply for a token and ignores any later one.
    """
    return f"{job.token}:reply"


def success(job: Job, output: Json, max_bytes: int) -> Outgoing:
    """The reply for a handler that returned ``output``.

    An output the JSON encoder cannot encode, or whose reply exceeds ``max_bytes``, fails
    the task with ``SFC.InvalidOutput``.
    """
    reply = TaskSucceeded(reply_id(job), job.flow_id, job.token, output)
    try:
        value = ENCODER.encode(reply)
    except Exception as exc:  # any encoding failure (type, recursion, overflow) is the output's
        kind = type(output).__name__
        return failure(job, TaskError(INVALID_OUTPUT, f"output ({kind}) is not JSON: {exc}"))
    if len(value) > max_bytes:
        cause = f"output is {len(value)} bytes encoded, more than the limit of {max_bytes}"
        return failure(job, TaskError(INVALID_OUTPUT, cause, retryable=False))
    return Outgoing(job.flow_id, reply.id, "TaskSucceeded", value, job.blueprint)


def failure(job: Job, exc: BaseException) -> Outgoing:
    """The reply for a handler that raised ``exc``.

    A :class:`TaskError` gives its error name, cause and retryability; any other exception
    gives its class name as the error and its message as the cause (retryable).
    """
    if isinstance(exc, TaskError):
        error, cause, retryable = exc.error, exc.cause, exc.retryable
    else:
        error, cause, retryable = type(exc).__name__, str(exc), True
    reply = TaskFailed(
        reply_id(job), job.flow_id, job.token, error, cause[:MAX_CAUSE] or None, retryable
    )
    return Outgoing(job.flow_id, reply.id, "TaskFailed", ENCODER.encode(reply), job.blueprint, True)


def timed_out(job: Job) -> Outgoing:
    """The reply for a handler cancelled after the job's ``timeoutSeconds``."""
    cause = f"the handler did not finish within {job.timeout_seconds:g} s and was cancelled"
    return failure(job, TaskError(TIMEOUT, cause))


def heartbeat(job: Job, message_id: str) -> Outgoing:
    """A heartbeat for a job whose handler is still running."""
    beat = TaskHeartbeat(message_id, job.flow_id, job.token)
    return Outgoing(job.flow_id, message_id, "TaskHeartbeat", ENCODER.encode(beat), job.blueprint)
