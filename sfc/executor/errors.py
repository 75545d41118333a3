"""The ASL error names the executor fails tasks with, and which of them are worth retrying.

A failed call becomes a ``TaskFailed`` whose ``error`` a blueprint's Retry and Catch match.
``retryable`` False marks a failure that the same request can never cure (a 404, a
malformed input): the engine skips the state's Retry and applies its Catch at once. The
table is in ``docs/executor.md``.
"""

from __future__ import annotations

from typing import Final

from grpc import StatusCode

from sfc.errors import SfcError

TIMEOUT: Final = "States.Timeout"
"""No answer within the task's ``TimeoutSeconds`` (or the executor's default)."""

HTTP_CONNECTION: Final = "SFC.Http.ConnectionError"
"""The HTTP service could not be reached: refused, unknown host, reset, closed early."""

HTTP_INVALID_RESPONSE: Final = "SFC.Http.InvalidResponse"
"""A successful HTTP answer that is not the JSON the request expected."""

HTTP_INVALID_INPUT: Final = "SFC.Http.InvalidInput"
"""The task's input cannot be made into an HTTP request (see ``docs/executor.md``)."""

GRPC_INVALID_INPUT: Final = "SFC.Grpc.InvalidInput"
"""The task's input cannot be mapped to the method's request message."""

GRPC_INVALID_RESPONSE: Final = "SFC.Grpc.InvalidResponse"
"""A gRPC response that cannot be written as JSON (e.g. an ``Any`` of an unknown type)."""

UNSUPPORTED_RESOURCE: Final = "SFC.Executor.UnsupportedResource"
"""A job whose resource is not ``http(s)://`` or ``grpc://`` reached the executor."""

EXECUTOR_ERROR: Final = "SFC.Executor.Error"
"""Anything else that went wrong while calling (reported, logged with its traceback)."""

_RETRYABLE_HTTP: Final = frozenset({408, 425, 429})
"""4xx statuses that say "not now" rather than "never": Request Timeout, Too Early, Too
Many Requests."""

_PERMANENT_5XX: Final = frozenset({501, 505})
"""5xx statuses that no retry cures: Not Implemented, HTTP Version Not Supported."""

_RETRYABLE_GRPC: Final = frozenset(
    {
        StatusCode.UNAVAILABLE,
        StatusCode.RESOURCE_EXHAUSTED,
        StatusCode.ABORTED,
        StatusCode.INTERNAL,
        StatusCode.UNKNOWN,
        StatusCode.DEADLINE_EXCEEDED,
    }
)
"""Transient gRPC codes, as in gRPC's own retry guidance; the rest are permanent."""

_TRUNCATED: Final = "...[truncated]"


class CallError(SfcError):
    """A sync call failed; becomes the task's ``TaskFailed``.

    Args:
        error: The ASL error name, e.g. ``SFC.Http.503``.
        cause: What happened: the response body, the gRPC details, or a sentence.
        retryable: False when retrying the same call cannot succeed.
    """

    code = "sfc.executor.call"

    def __init__(self, error: str, cause: str, *, retryable: bool) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.retryable = retryable


def http_status_error(status: int) -> str:
    """The error name of an HTTP status that is not 2xx, e.g. ``SFC.Http.503``."""
    return f"SFC.Http.{status}"


def http_retryable(status: int) -> bool:
    """Whether a failed HTTP status is worth retrying: 408, 425, 429 and most 5xx."""
    if status in _RETRYABLE_HTTP:
        return True
    return 500 <= status <= 599 and status not in _PERMANENT_5XX


def grpc_status_error(code: StatusCode) -> str:
    """The error name of a gRPC status, e.g. ``SFC.Grpc.UNAVAILABLE``.

    ``DEADLINE_EXCEEDED`` is ``States.Timeout``, like every other timeout.
    """
    if code is StatusCode.DEADLINE_EXCEEDED:
        return TIMEOUT
    return f"SFC.Grpc.{code.name}"


def grpc_retryable(code: StatusCode) -> bool:
    """Whether a gRPC status is worth retrying."""
    return code in _RETRYABLE_GRPC


def truncate(text: str, max_bytes: int) -> str:
    """``text`` cut to at most ``max_bytes`` bytes of UTF-8, marked when cut.

    The cut never splits a character.
    """
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    keep = max(max_bytes - len(_TRUNCATED), 0)
    return data[:keep].decode(errors="ignore") + _TRUNCATED
