"""The comparison operators of JSONPath Choice rules, as tests on already-selected values.

Each operator has a literal form (``NumericLessThan: 5``) and, except ``StringMatches`` and
the ``Is*`` type tests, a ``...Path`` form that reads the other operand from the data.
Following Step Functions, a value of the wrong type never matches: ``NumericEquals``
against a string, or against ``true`` (booleans are not numbers), is simply false. The
one exception is the operand of an ordering ``...Path`` operator (``NumericLessThanPath``
and the like): a wrong type there fails the state, see :func:`path_test`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any, Final

from sfc.core.failure import AslError, StatesError
from sfc.core.timestamps import parse_timestamp_ns
from sfc.core.types import Json

ValueTest = Callable[[Json], bool]
"""Tests the value ``Variable`` selected against the literal operand it was built with."""

PairTest = Callable[[Json, Json], bool]
"""Tests the value ``Variable`` selected against the value a ``...Path`` operand selected."""

_RELATIONS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}

TYPE_TESTS: Final = frozenset(
    {"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
)

_COMPARISON: Final = re.compile(
    r"(String|Numeric|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)"
    r"(Path)?|(Boolean)(Equals)(Path)?|StringMatches"
)

_ASTRAL: Final = re.compile("[\U00010000-\U0010ffff]")


def parse_operator(name: str) -> tuple[str, str, bool] | None:
    """Split a comparison operator's name into its parts.

    Returns:
        ``(family, relation, is_path)`` such as ``("Numeric", "LessThan", True)`` for
        ``NumericLessThanPath`` or ``("String", "Matches", False)``; ``("Is", "Null",
        False)`` for the type tests; None when ``name`` is not a comparison operator.
    """
    if name in TYPE_TESTS:
        return "Is", name[2:], False
    match = _COMPARISON.fullmatch(name)
    if match is None:
        return None
    if name == "StringMatches":
        return "String", "Matches", False
    family, relation, path = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    return family, relation, path is not None


def literal_problem(family: str, operand: Json) -> str | None:
    """Say why ``operand`` cannot be the literal operand of a ``family`` operator, if so."""
    if family in ("Is", "Boolean"):
        return None if type(operand) is bool else "must be true or false"
    if family == "Numeric":
        return None if _is_number(operand) else "must be a number"
    if type(operand) is not str:
        return "must be a string"
    if family == "Timestamp" and parse_timestamp_ns(operand) is None:
        return f"{operand!r} is not a timestamp (RFC 3339 with an upper-case 'T' and a zone)"
    return None


def type_test(kind: str, expected: bool) -> ValueTest:
    """The test of ``Is<kind>`` (all but ``IsPresent``, which needs no value)."""
    if kind == "Null":

        def is_null(value: Json) -> bool:
            return (value is None) is expected

        return is_null
    if kind == "Numeric":

        def is_numeric(value: Json) -> bool:
            kind_of = type(value)
            return (kind_of is int or kind_of is float) is expected

        return is_numeric
    if kind == "String":

        def is_string(value: Json) -> bool:
            return (type(value) is str) is expected

        return is_string
    if kind == "Boolean":

        def is_boolean(value: Json) -> bool:
            return (type(value) is bool) is expected

        return is_boolean

    def is_timestamp(value: Json) -> bool:
        return (parse_timestamp_ns(value) is not None) is expected

    return is_timestamp


def literal_test(family: str, relation: str, operand: Json) -> ValueTest:
    """The test of a literal comparison; ``operand`` must have passed :func:`literal_problem`."""
    if relation == "Matches":
        return _string_matches(operand)
    compare = _RELATIONS[relation]
    if family == "Numeric":

        def numeric(value: Json) -> bool:
            kind = type(value)
            return (kind is int or kind is float) and compare(value, operand)

        return numeric
    if family == "Boolean":

        def boolean(value: Json) -> bool:
            return type(value) is bool and value is operand

        return boolean
    if family == "Timestamp":
        instant = parse_timestamp_ns(operand)

        def timestamp(value: Json) -> bool:
            other = parse_timestamp_ns(value)
            return other is not None and compare(other, instant)

        return timestamp
    if relation == "Equals":

        def string_equals(value: Json) -> bool:
            return type(value) is str and value == operand

        return string_equals
    key = _java_order(operand)

    def string(value: Json) -> bool:
        return type(value) is str and compare(_java_order(value), key)

    return string


def path_test(family: str, relation: str, path: str) -> PairTest:
    """The test of a ``...Path`` comparison whose other operand is read from ``path``.

    An ``...EqualsPath`` operand of the wrong type makes the comparison false, like a wrong
    ``Variable``. An ordering operand (``...LessThanPath`` and the like) of the wrong type
    fails the state with ``States.Runtime`` instead, as Step Functions does.
    """
    compare = _RELATIONS[relation]
    ordering = relation != "Equals"

    def wrong_operand() -> AslError:
        return AslError(StatesError.RUNTIME, f"Invalid value provided at path '{path}'")

    if family == "Numeric":

        def numeric(value: Json, other: Json) -> bool:
            if not _is_number(other):
                if ordering:
                    raise wrong_operand()
                return False
            kind = type(value)
            return (kind is int or kind is float) and compare(value, other)

        return numeric
    if family == "Boolean":

        def boolean(value: Json, other: Json) -> bool:
            return type(value) is bool and value is other

        return boolean
    if family == "Timestamp":

        def timestamp(value: Json, other: Json) -> bool:
            instant = parse_timestamp_ns(other)
            if instant is None:
                if ordering:
                    raise wrong_operand()
                return False
            mine = parse_timestamp_ns(value)
            return mine is not None and compare(mine, instant)

        return timestamp

    def string(value: Json, other: Json) -> bool:
        if type(other) is not str:
            if ordering:
                raise wrong_operand()
            return False
        if type(value) is not str:
            return False
        if ordering:
            return compare(_java_order(value), _java_order(other))
        return bool(value == other)

    return string


def _is_number(value: Json) -> bool:
    kind = type(value)
    return kind is int or kind is float


def _java_order(text: str) -> str:
    """A string whose code-point order is the UTF-16 order Java's ``compareTo`` uses.

    The two orders differ only between characters above U+FFFF and those from U+E000 to
    U+FFFF, so characters above U+FFFF are replaced by their surrogate pairs.
    """
    if text.isascii() or _ASTRAL.search(text) is None:
        return text
    return _ASTRAL.sub(_surrogates, text)


def _surrogates(match: re.Match[str]) -> str:
    offset = ord(match.group()) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _string_matches(pattern: str) -> ValueTest:
    """``StringMatches``: ``*`` matches any run of characters, ``\\*`` and ``\\\\`` escape.

    No other character is special; a backslash before any other character stands for
    itself.
    """
    parts: list[str] = []
    literal: list[str] = []
    wildcard = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and pattern[index + 1 : index + 2] in ("*", "\\"):
            literal.append(pattern[index + 1])
            index += 2
            continue
        if char == "*":
            parts.append(re.escape("".join(literal)))
            literal.clear()
            wildcard = True
        else:
            literal.append(char)
        index += 1
    if not wildcard:
        exact = "".join(literal)

        def equals(value: Json) -> bool:
            return type(value) is str and value == exact

        return equals
    parts.append(re.escape("".join(literal)))
    matcher = re.compile(".*".join(parts), re.DOTALL).fullmatch

    def matches(value: Json) -> bool:
        return type(value) is str and matcher(value) is not None

    return matches
