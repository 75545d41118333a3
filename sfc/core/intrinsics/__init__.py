"""The ``States.*`` intrinsic functions of ASL's JSONPath payload templates."""

from __future__ import annotations

from sfc.core.scope import Evaluator
from sfc.errors import SfcError


class IntrinsicSyntaxError(SfcError):
    """An intrinsic function call is malformed or names an unknown function."""

    code = "sfc.intrinsic_syntax"


def is_intrinsic(text: object) -> bool:
    """Tell whether a ``.$`` value is meant as an intrinsic function call."""
    return isinstance(text, str) and text.startswith("States.")


def compile_intrinsic(text: str) -> Evaluator:
    """Compile an intrinsic function call such as ``States.Format('{}', $.name)``.

    Raises:
        IntrinsicSyntaxError: The call is malformed, names an unknown function, or has the
            wrong number of arguments.
    """
    raise IntrinsicSyntaxError(f"intrinsic functions are not implemented yet: {text!r}")
