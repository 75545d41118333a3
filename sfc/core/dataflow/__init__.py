"""How a state turns its input into work and its result into output, per query language.

JSONPath states use InputPath, Parameters, ResultSelector, ResultPath and OutputPath;
JSONata states use Arguments and Output. Both may Assign variables. Each compiled state
holds one :class:`Dataflow`, so state handlers never look at the query language.
"""

from __future__ import annotations

from typing import Protocol

from sfc.core.scope import Scope
from sfc.core.types import Json

Assigned = dict[str, Json] | None
"""The variables a state assigns, or None when it has no ``Assign``."""


class Dataflow(Protocol):
    """The input and output processing of one state.

    ``reads_scope`` is False when neither method ever looks at its scope (no template,
    no variable, no context object), so the interpreter can skip building one.
    """

    reads_scope: bool

    def effective_input(self, raw: Json, scope: Scope) -> Json:
        """What the state works on: a Task's arguments, the input of a Choice's rules..."""
        ...

    def finish(self, raw: Json, result: Json, scope: Scope) -> tuple[Json, Assigned]:
        """The state's output and assigned variables, given its raw input and result."""
        ...
