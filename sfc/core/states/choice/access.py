"""Reading a Choice rule's ``Variable`` and ``...Path`` operands, as fast closures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sfc.core.failure import AslError, StatesError
from sfc.core.paths import PathSyntaxError, compile_path, compile_reference_path
from sfc.core.paths.jsonpath import Key
from sfc.core.scope import Scope
from sfc.core.states.choice.errors import ChoiceRuleError
from sfc.core.types import Json

MISSING: Final = object()
"""What a :data:`Getter` returns when its path selects nothing."""

Getter = Callable[[Json, Scope], Json]
"""Selects a path's value from the data, the context object or a variable, or MISSING."""


def compile_getter(text: Json, pointer: str) -> Getter:
    """Compile a ``Variable`` or ``...Path`` operand: ``$...``, ``$$...`` or ``$name...``.

    Raises:
        ChoiceRuleError: ``text`` is not a valid path; ``pointer`` names the field.
    """
    if not isinstance(text, str) or not text.startswith("$"):
        raise ChoiceRuleError(
            "must be a path starting with '$', '$$' or '$name' (a workflow variable)",
            pointer=pointer,
        )
    try:
        path = compile_path(text)
    except PathSyntaxError as exc:
        raise ChoiceRuleError(exc.message, pointer=pointer) from exc
    if path.root == "$" and path.definite:
        # Nearly every Variable is a plain '$.a.b'; walking its keys inline is several
        # times faster than going through Path.find.
        return _key_walker(compile_reference_path(text).keys)
    on_data = path.root == "$"

    def find(data: Json, scope: Scope) -> Json:
        if on_data and data is None:
            raise _null_input()
        found, value = path.find(data, scope)
        return value if found else MISSING

    return find


def invalid_path(path: str) -> AslError:
    """The error of a ``Variable`` or ``...Path`` operand that selects nothing."""
    return AslError(
        StatesError.RUNTIME,
        f"Invalid path '{path}': The choice state's condition path references an invalid value.",
    )


def _null_input() -> AslError:
    # Step Functions refuses to apply a path to a null effective input, even '$' under
    # IsString (awslabs/states-language issue #29; AWS support called it intended).
    return AslError(
        StatesError.RUNTIME, "Unable to apply Path transformation to null or empty input."
    )


def _key_walker(keys: tuple[Key, ...]) -> Getter:
    if not keys:

        def whole(data: Json, scope: Scope) -> Json:
            if data is None:
                raise _null_input()
            return data

        return whole
    first = keys[0]
    if len(keys) == 1 and isinstance(first, str):

        def member(data: Json, scope: Scope) -> Json:
            if type(data) is dict:
                return data.get(first, MISSING)
            if data is None:
                raise _null_input()
            return MISSING

        return member

    def walk(data: Json, scope: Scope) -> Json:
        if data is None:
            raise _null_input()
        node = data
        for key in keys:
            if isinstance(key, str):
                if type(node) is not dict or key not in node:
                    return MISSING
            elif type(node) is not list or not -len(node) <= key < len(node):
                return MISSING
            node = node[key]
        return node

    return walk
