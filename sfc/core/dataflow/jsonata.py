"""The JSONata pipeline: Arguments in, Output and Assign out."""

from __future__ import annotations

from enum import Enum

from sfc.core.dataflow import Assigned
from sfc.core.jsonata import JsonataEvaluator
from sfc.core.scope import Scope
from sfc.core.types import Json


class Default(Enum):
    """What a JSONata state outputs when it has no ``Output`` field."""

    INPUT = "input"
    """Pass, Choice, Wait and Succeed pass their input on."""
    RESULT = "result"
    """Task, Parallel, Map and Join output their result; a Catcher its error output."""


class JsonataFlow:
    """A state's (or a Catcher's) JSONata processing.

    Assign and Output are evaluated against the same variables, those from before the
    state, as AWS specifies.
    """

    __slots__ = ("arguments", "assign", "default", "error_output", "output")

    reads_scope = True
    """JSONata reads ``$states`` from the scope, always."""

    def __init__(
        self,
        *,
        arguments: JsonataEvaluator | None = None,
        output: JsonataEvaluator | None = None,
        assign: JsonataEvaluator | None = None,
        default: Default = Default.RESULT,
        error_output: bool = False,
    ) -> None:
        self.arguments = arguments
        self.output = output
        self.assign = assign
        self.default = default
        self.error_output = error_output

    def effective_input(self, raw: Json, scope: Scope) -> Json:
        """Evaluate Arguments, or pass the raw input when there are none."""
        return raw if self.arguments is None else self.arguments(scope)

    def finish(self, raw: Json, result: Json, scope: Scope) -> tuple[Json, Assigned]:
        """Evaluate Assign and Output with ``$states.result`` (or ``errorOutput``) set."""
        phase = scope.with_error_output(result) if self.error_output else scope.with_result(result)
        assigned = None if self.assign is None else self.assign(phase)
        if self.output is not None:
            return self.output(phase), assigned
        return (raw if self.default is Default.INPUT else result), assigned
