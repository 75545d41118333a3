"""The ``States.*`` intrinsic functions of ASL's JSONPath payload templates.

A call such as ``States.Format('Hello {}', $.name)`` is parsed and compiled once into a
closure of the ``$`` data and the :class:`~sfc.core.scope.Scope`. Run-time failures raise
:class:`~sfc.core.failure.AslError` ``States.Runtime``, as AWS does.
"""

from __future__ import annotations

from sfc.core.intrinsics.compile import SIGNATURES, compile_call
from sfc.core.intrinsics.errors import IntrinsicSyntaxError
from sfc.core.intrinsics.parser import parse
from sfc.core.scope import Evaluator

__all__ = ["FUNCTIONS", "IntrinsicSyntaxError", "compile_intrinsic", "is_intrinsic"]

FUNCTIONS = frozenset(f"States.{name}" for name in SIGNATURES)
"""The full names of all intrinsic functions."""


def is_intrinsic(text: object) -> bool:
    """Tell whether a ``.$`` value is meant as an intrinsic function call.

    Args:
        text: The value of a field whose name ends in ``.$``.

    Returns:
        True when it is a string starting with ``States.``; whether the call is valid is
        for :func:`compile_intrinsic` to say.
    """
    return isinstance(text, str) and text.startswith("States.")


def compile_intrinsic(text: str) -> Evaluator:
    """Compile an intrinsic function call such as ``States.Format('{}', $.name)``.

    Args:
        text: The call, as written in the blueprint.

    Returns:
        A function of the ``$`` data and the scope that computes the call's value. It
        raises :class:`~sfc.core.failure.AslError` ``States.Runtime`` when an argument
        is unusable or a path argument selects nothing.

    Raises:
        IntrinsicSyntaxError: The call is malformed, names an unknown function, has the
            wrong number of arguments, or has a literal argument of the wrong type or
            value (including calls on literals only that can only fail).
    """
    return compile_call(parse(text)).evaluate
