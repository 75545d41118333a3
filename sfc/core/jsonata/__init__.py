"""JSONata, ASL's second query language: ``{% expression %}`` strings and ``$states``."""

from __future__ import annotations

from collections.abc import Callable

from sfc.core.scope import Scope
from sfc.core.types import Json
from sfc.errors import SfcError

JsonataEvaluator = Callable[[Scope], Json]
"""A compiled JSONata template: evaluated against ``$states`` and the workflow variables."""


class JsonataSyntaxError(SfcError):
    """A ``{% %}`` string is malformed or holds an invalid JSONata expression."""

    code = "sfc.jsonata_syntax"

    def __init__(self, message: str, *, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def is_jsonata(value: object) -> bool:
    """Tell whether a string is a JSONata expression: it starts ``{%`` and ends ``%}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def compile_jsonata_template(template: Json, pointer: str = "") -> JsonataEvaluator:
    """Compile a JSON value whose strings may be ``{% %}`` expressions, at any depth.

    Raises:
        JsonataSyntaxError: An expression does not parse; ``pointer`` tells where.
    """
    raise JsonataSyntaxError("JSONata is not implemented yet", pointer=pointer)
