"""Compile Choice rules (comparisons, And / Or / Not, JSONata Condition) into predicates."""

from __future__ import annotations

from collections.abc import Callable

from sfc.core.scope import Scope
from sfc.core.types import Json

Predicate = Callable[[Json, Scope], bool]
"""A compiled rule: takes the state's effective input and the scope."""


def compile_rule(rule: dict[str, Json], query_language: str, pointer: str = "") -> Predicate:
    """Compile one Choice rule (without its ``Next``, ``Assign`` or ``Output``).

    Args:
        rule: The rule as written.
        query_language: ``"JSONPath"`` or ``"JSONata"``.
        pointer: JSON pointer of the rule in the blueprint, for error messages.
    """
    raise NotImplementedError
