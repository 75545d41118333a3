"""What a state's expressions can read besides the data they are applied to."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Final

from sfc.core.types import Json

ABSENT: Final = object()
"""Marks a ``$states`` member that does not exist in this phase (no result yet, no error)."""

EMPTY_VARIABLES: Final[Mapping[str, Json]] = {}


class Scope:
    """The workflow variables, the context object and the ``$states`` members of a state.

    The context object (``$$`` in JSONPath, ``$states.context`` in JSONata) is built only
    when an expression reads it, since most states never do.

    Attributes:
        now: The current time (seconds since the Unix epoch) as the interpreter was told
            it; expressions that read the clock (JSONata ``$now()``) must use this.
        seed: Seeds :attr:`random` (a string, or a tuple turned into one when first
            needed), so that ``States.UUID``, ``States.MathRandom``, ``$uuid()`` and
            ``$random()`` give the same values when a flow is replayed.
    """

    __slots__ = (
        "_context",
        "_make_context",
        "_random",
        "error_output",
        "input",
        "now",
        "result",
        "seed",
        "variables",
    )

    def __init__(
        self,
        variables: Mapping[str, Json] = EMPTY_VARIABLES,
        context: Callable[[], Json] | None = None,
        *,
        input: Json = ABSENT,
        result: Json = ABSENT,
        error_output: Json = ABSENT,
        now: float = 0.0,
        seed: str | tuple[object, ...] = "",
    ) -> None:
        self.variables = variables
        self._make_context = context
        self._context: Json = ABSENT
        self.input = input
        self.result = result
        self.error_output = error_output
        self.now = now
        self.seed = seed
        self._random: random.Random | None = None

    @property
    def random(self) -> random.Random:
        """A random source seeded from :attr:`seed`: deterministic, never the OS's."""
        if self._random is None:
            seed = self.seed
            self._random = random.Random(seed if isinstance(seed, str) else repr(seed))
        return self._random

    @property
    def context(self) -> Json:
        """The context object: Execution, State, StateMachine, Task and Map members."""
        if self._context is ABSENT:
            self._context = self._make_context() if self._make_context else {}
        return self._context

    def with_result(self, result: Json) -> Scope:
        """A copy of this scope where ``$states.result`` is ``result``."""
        return self._copy(result=result, error_output=self.error_output)

    def with_error_output(self, error_output: Json) -> Scope:
        """A copy of this scope where ``$states.errorOutput`` is ``error_output``."""
        return self._copy(result=self.result, error_output=error_output)

    def with_variables(self, variables: Mapping[str, Json]) -> Scope:
        """A copy of this scope that sees ``variables``."""
        copy = self._copy(result=self.result, error_output=self.error_output)
        copy.variables = variables
        return copy

    def states(self) -> dict[str, Json]:
        """The JSONata ``$states`` object for this phase of the state."""
        members: dict[str, Json] = {"context": self.context}
        if self.input is not ABSENT:
            members["input"] = self.input
        if self.result is not ABSENT:
            members["result"] = self.result
        if self.error_output is not ABSENT:
            members["errorOutput"] = self.error_output
        return members

    def _copy(self, *, result: Json, error_output: Json) -> Scope:
        copy = Scope(
            self.variables,
            self._make_context,
            input=self.input,
            result=result,
            error_output=error_output,
            now=self.now,
            seed=self.seed,
        )
        copy._context = self._context
        copy._random = self._random
        return copy


NO_SCOPE: Final = Scope()
"""Given to dataflow that does not read its scope (see ``Dataflow.reads_scope``)."""

Evaluator = Callable[[Json, Scope], Json]
"""A compiled expression: takes the ``$`` data and the scope, returns a JSON value."""
