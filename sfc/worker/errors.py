"""How a handler fails a task with an ASL error name of its choice."""

from __future__ import annotations

from sfc.errors import SfcError


class TaskError(SfcError):
    """Raise from a handler to fail the task with this error name and cause.

    Retry and Catch in the blueprint match ``error``. Any other exception fails the task
    with the exception's class name as the error.

    Args:
        error: The ASL error name, e.g. ``Order.OutOfStock``.
        cause: A human-readable explanation.
        retryable: False marks the failure as permanent: the Task state's Retry is
            skipped and its Catch applies at once.
    """

    code = "sfc.task"

    def __init__(self, error: str, cause: str = "", *, retryable: bool = True) -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause
        self.retryable = retryable
