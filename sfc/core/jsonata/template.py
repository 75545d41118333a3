"""Compile a JSON value whose strings may be ``{% %}`` expressions into one function.

Objects and arrays are walked at any depth; each ``{% %}`` string is replaced by the value
of its expression, every other value is kept as written. A template without any
expression compiles to a function that returns the template itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sfc.core.jsonata.expression import Expression
from sfc.core.jsonata.syntax import is_wrapped
from sfc.core.pointer import child
from sfc.core.scope import Scope
from sfc.core.types import Json

JsonataEvaluator = Callable[[Scope], Json]
"""A compiled JSONata template: evaluated against ``$states`` and the workflow variables."""

_INDEXED: Final = frozenset({"Branches", "Catch", "Choices", "Retry"})
"""ASL fields whose value is an array, whose items AWS names ``Field[i]``."""
_NESTED_STATES: Final = {"ItemProcessor": 1, "Iterator": 1, "Branches": 2}
"""Fields under which a state machine nests, and how far below them ``States`` is."""


def compile_jsonata_template(template: Json, pointer: str = "") -> JsonataEvaluator:
    """Compile a JSON value whose strings may be ``{% %}`` expressions, at any depth.

    Args:
        template: The field's value as written (Arguments, Output, Assign, Condition,
            Items, Seconds, ...).
        pointer: JSON pointer of the value in the blueprint, such as
            ``/States/Charge/Output``; syntax errors name it and run-time causes name the
            field as AWS does (``Output/total``).

    Returns:
        A function of the scope that evaluates every expression and returns the value.
        It raises :class:`~sfc.core.failure.AslError` ``States.QueryEvaluationError``
        when an expression fails, returns nothing (undefined) or returns a value JSON
        cannot represent.

    Raises:
        JsonataSyntaxError: A ``{% %}`` string is malformed, does not parse or reads
            what Step Functions does not offer; ``pointer`` tells which.
    """
    if not _is_dynamic(template):
        return lambda _scope: template
    return _compile(template, pointer, field_name(pointer))


def field_name(pointer: str) -> str:
    """The field a pointer designates, relative to its state, as AWS writes it in causes.

    ``/States/A/Output/items/0`` is ``Output/items/0`` (whether ``0`` is an array index is
    not known from the pointer) and ``/States/C/Choices/1/Condition`` is
    ``Choices[1]/Condition``. A pointer that does not lead into a state is kept whole,
    without its leading ``/``.
    """
    if not pointer:
        return ""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    start = _state_end(tokens)
    name = ""
    for index in range(start, len(tokens)):
        token = tokens[index]
        if index > start and token.isdigit() and tokens[index - 1] in _INDEXED:
            name += f"[{token}]"
        else:
            name += f"/{token}" if name else token
    return name


def _state_end(tokens: list[str]) -> int:
    """Where a state's own fields start among the tokens of a pointer (0 if nowhere)."""
    start, at = 0, 0
    while at + 1 < len(tokens) and tokens[at] == "States":
        start = at + 2
        field = tokens[start] if start < len(tokens) else ""
        below = _NESTED_STATES.get(field)
        if below is None or start + below >= len(tokens) or tokens[start + below] != "States":
            break
        at = start + below
    return start


def _is_dynamic(template: Json) -> bool:
    if isinstance(template, str):
        return is_wrapped(template)
    if isinstance(template, dict):
        return any(_is_dynamic(v) for v in template.values())
    if isinstance(template, list):
        return any(_is_dynamic(v) for v in template)
    return False


def _compile(template: Json, pointer: str, field: str) -> JsonataEvaluator:
    if isinstance(template, str):
        return Expression(template, pointer=pointer, field=field)
    if isinstance(template, dict):
        return _compile_object(template, pointer, field)
    items = [_item(v, child(pointer, i), f"{field}[{i}]") for i, v in enumerate(template)]
    return lambda scope: [item(scope) for item in items]


def _item(template: Json, pointer: str, field: str) -> JsonataEvaluator:
    if _is_dynamic(template):
        return _compile(template, pointer, field)
    return lambda _scope: template


def _compile_object(template: dict[str, Json], pointer: str, field: str) -> JsonataEvaluator:
    dynamic = [
        (key, _compile(value, child(pointer, key), f"{field}/{key}" if field else key))
        for key, value in template.items()
        if _is_dynamic(value)
    ]

    def build(scope: Scope) -> Json:
        # Copying the template keeps its key order; the dynamic keys are overwritten.
        result = dict(template)
        for key, evaluate in dynamic:
            result[key] = evaluate(scope)
        return result

    return build
