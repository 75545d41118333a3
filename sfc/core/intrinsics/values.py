"""How intrinsic functions look at JSON values: types, integers, equality and text.

AWS Step Functions runs on the JVM, and several intrinsics show it: integer arguments
are 32-bit, ``States.MathAdd`` rounds like ``Math.round`` while the others truncate like
a cast to ``int``, and ``States.Format`` prints objects the way ``Map.toString`` does.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Final

import msgspec

from sfc.core.types import Json

INT_MIN: Final = -(2**31)
INT_MAX: Final = 2**31 - 1


class Kind(Enum):
    """The JSON type of a value, or ``ANY`` when it is known only at run time."""

    STRING = "a string"
    NUMBER = "a number"
    BOOLEAN = "a boolean"
    NULL = "null"
    ARRAY = "an array"
    OBJECT = "an object"
    ANY = "any value"


def kind_of(value: Json) -> Kind:
    """The kind of a JSON value."""
    if isinstance(value, str):
        return Kind.STRING
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, int | float):
        return Kind.NUMBER
    if value is None:
        return Kind.NULL
    if isinstance(value, list):
        return Kind.ARRAY
    return Kind.OBJECT


def describe(value: Json) -> str:
    """A short description of a value for an error message."""
    kind = kind_of(value)
    if kind is Kind.STRING:
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {to_json(shown)}"
    if kind in (Kind.NUMBER, Kind.BOOLEAN):
        return f"{kind.value} {to_json(value)}"
    return str(kind.value)


def to_json(value: Json) -> str:
    """Compact JSON text, as ``States.JsonToString`` produces it."""
    text: str = msgspec.json.encode(value).decode()
    return text


def is_number(value: Json) -> bool:
    """Whether a value is a JSON number (booleans are not)."""
    kind = type(value)
    return kind is int or kind is float


def truncate(value: int | float) -> int | None:
    """The integer part of a number, as a Java cast to ``int`` gives; None if not finite."""
    if type(value) is int:
        return value
    if not math.isfinite(value):
        return None
    return int(value)


def java_round(value: int | float) -> int | None:
    """Round half up, as Java's ``Math.round`` does; None if not finite."""
    if type(value) is int:
        return value
    if not math.isfinite(value):
        return None
    floor = math.floor(value)
    # Comparing the fraction avoids floor(x + 0.5) rounding 0.49999999999999994 up.
    return floor + 1 if value - floor >= 0.5 else floor


def is_int32(value: int) -> bool:
    """Whether an integer fits a Java ``int``."""
    return INT_MIN <= value <= INT_MAX


def equality_key(value: Json) -> object:
    """A hashable key equal for equal JSON values.

    Numbers compare by value (``1`` equals ``1.0``), booleans never equal numbers, and
    objects compare regardless of member order.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is bool or value is None:
        return (kind, value)
    if kind is int:
        return (int, value)
    if kind is float:
        return (int, int(value)) if value.is_integer() else (float, value)
    if kind is list:
        return (list, tuple(equality_key(item) for item in value))
    return (dict, frozenset((key, equality_key(item)) for key, item in value.items()))


def format_text(value: Json) -> str:
    """How ``States.Format`` prints an argument.

    Strings print as they are, other scalars as JSON, and arrays and objects as Java's
    ``List.toString`` and ``Map.toString`` do (``[a, b]``, ``{k=v}``), which is what AWS
    produces.
    """
    if type(value) is str:
        return value
    if isinstance(value, list):
        return "[" + ", ".join(format_text(item) for item in value) + "]"
    if isinstance(value, dict):
        members = (f"{key}={format_text(item)}" for key, item in value.items())
        return "{" + ", ".join(members) + "}"
    return to_json(value)
