"""The predefined ``States.*`` error names and AWS's rules for matching them."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class StatesError(StrEnum):
    """Error names that Step Functions (and SFC) raise themselves."""

    ALL = "States.ALL"
    DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
    EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
    HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
    INTRINSIC_FAILURE = "States.IntrinsicFailure"
    ITEM_READER_FAILED = "States.ItemReaderFailed"
    NO_CHOICE_MATCHED = "States.NoChoiceMatched"
    PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
    PERMISSIONS = "States.Permissions"
    QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
    RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
    RESULT_WRITER_FAILED = "States.ResultWriterFailed"
    RUNTIME = "States.Runtime"
    TASK_FAILED = "States.TaskFailed"
    TIMEOUT = "States.Timeout"
    BRANCH_FAILED = "States.BranchFailed"


PREDEFINED = frozenset(e.value for e in StatesError)

_NOT_WILDCARD_MATCHED = frozenset({StatesError.RUNTIME, StatesError.DATA_LIMIT_EXCEEDED})
"""States.ALL does not match these; AWS fails the execution on them unless named."""

_TIMEOUTS = frozenset({StatesError.TIMEOUT, StatesError.HEARTBEAT_TIMEOUT})


def error_matches(error_equals: Sequence[str], error: str) -> bool:
    """Tell whether a Retrier's or Catcher's ``ErrorEquals`` matches an error name.

    Args:
        error_equals: The names listed in ``ErrorEquals``.
        error: The name of the error that occurred.

    Returns:
        True when one of the names matches, following AWS: ``States.Runtime`` is never
        matched (it always fails the execution); ``States.ALL`` matches any other error but
        ``States.DataLimitExceeded``; ``States.TaskFailed`` matches the same but the
        timeouts; ``States.Timeout`` also matches ``States.HeartbeatTimeout``.
    """
    if error == StatesError.RUNTIME:
        return False
    for name in error_equals:
        if name == error:
            return True
        if error in _NOT_WILDCARD_MATCHED:
            continue
        if name == StatesError.ALL:
            return True
        if name == StatesError.TASK_FAILED and error not in _TIMEOUTS:
            return True
        if name == StatesError.TIMEOUT and error == StatesError.HEARTBEAT_TIMEOUT:
            return True
    return False
