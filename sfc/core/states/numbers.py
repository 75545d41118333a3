"""Checks on numbers that states read at run time (timeouts, concurrency, thresholds)."""

from __future__ import annotations

from sfc.core.failure import AslError, StatesError
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json


def whole_number(
    evaluator: Evaluator | None, data: Json, scope: Scope, field: str, minimum: int
) -> int | None:
    """Evaluate a field that must give an integer of at least ``minimum``.

    Returns:
        The integer, or None when the field is absent.

    Raises:
        AslError: States.Runtime naming the field when the value is not such an integer.
    """
    if evaluator is None:
        return None
    value = evaluator(data, scope)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is not int or value < minimum:
        raise AslError(
            StatesError.RUNTIME,
            f"{field} must be an integer of at least {minimum}, but it is {value!r}",
        )
    return value


def percentage(evaluator: Evaluator | None, data: Json, scope: Scope, field: str) -> float | None:
    """Evaluate a field that must give a number from 0 to 100."""
    if evaluator is None:
        return None
    value = evaluator(data, scope)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise AslError(
            StatesError.RUNTIME, f"{field} must be a number from 0 to 100, but it is {value!r}"
        )
    return float(value)
