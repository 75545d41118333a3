"""The errors intrinsic functions raise: one at compile time, one helper for run time."""

from __future__ import annotations

from sfc.core.failure import AslError, StatesError
from sfc.errors import SfcError


class IntrinsicSyntaxError(SfcError):
    """An intrinsic function call is malformed or names an unknown function."""

    code = "sfc.intrinsic_syntax"


def invalid_arguments(function: str, detail: str) -> AslError:
    """The run-time failure of an intrinsic function given arguments it cannot use.

    AWS fails the execution with ``States.Runtime`` and a cause that starts with
    ``Invalid arguments in States.X``; the detail after it is SFC's own.
    """
    return AslError(StatesError.RUNTIME, f"Invalid arguments in {function}: {detail}")
