"""What running a state yields: move on, wait, or fail."""

from __future__ import annotations

import msgspec

from sfc.core.interpreter.records import Thread
from sfc.core.types import Json


class Next(msgspec.Struct, frozen=True):
    """The state is done: its output, the variables it assigned, and where to go.

    ``next`` None means the thread's scope ends here (End, Succeed).
    """

    output: Json
    assigned: dict[str, Json] | None
    next: str | None


class Blocked(msgspec.Struct, frozen=True):
    """The state waits; ``thread`` is the thread's new version, with its wait set."""

    thread: Thread


class Failed(msgspec.Struct, frozen=True):
    """The state failed with an ASL error (``error`` empty for a Fail state without one).

    ``retryable`` False (a worker said the failure is permanent) skips the state's Retry.
    """

    error: str
    cause: str | None = None
    retryable: bool = True


Outcome = Next | Blocked | Failed


def error_output(failure: Failed) -> dict[str, Json]:
    """The JSON a Catcher (or a tolerated Map iteration) sees for a failure, as AWS shapes it.

    ``str`` turns :class:`~sfc.core.failure.StatesError` members into plain strings: the
    value is user data from here on, and expressions accept only plain JSON types.
    """
    return {"Error": str(failure.error), "Cause": failure.cause or ""}
