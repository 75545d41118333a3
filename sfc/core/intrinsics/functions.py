"""The intrinsic functions themselves, applied to argument values already evaluated.

Every function takes the scope first (only the random ones use it) and raises
:class:`~sfc.core.failure.AslError` ``States.Runtime`` when an argument is unusable, as
AWS does. Nothing here mutates its arguments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
import uuid
from collections.abc import Callable
from typing import Final

import msgspec

from sfc.core.intrinsics.errors import invalid_arguments
from sfc.core.intrinsics.values import (
    INT_MAX,
    INT_MIN,
    describe,
    equality_key,
    format_text,
    is_int32,
    is_number,
    java_round,
    to_json,
    truncate,
)
from sfc.core.scope import Scope
from sfc.core.types import Json

MAX_RANGE: Final = 1000
"""The most elements ``States.ArrayRange`` may produce."""

MAX_TEXT: Final = 10_000
"""The longest string the encoding and hashing functions accept."""

HASHES: Final[dict[str, str]] = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
"""The algorithms ``States.Hash`` accepts, by AWS name, with their :mod:`hashlib` names."""

_BASE64: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_URL_SAFE: Final = str.maketrans("-_", "+/")


def _array(function: str, value: Json, position: int) -> list[Json]:
    if type(value) is not list:
        raise invalid_arguments(
            function, f"argument {position} must be an array, not {describe(value)}"
        )
    return value


def _string(function: str, value: Json, position: int) -> str:
    if type(value) is not str:
        raise invalid_arguments(
            function, f"argument {position} must be a string, not {describe(value)}"
        )
    return value


def _integer(
    function: str,
    value: Json,
    position: int,
    convert: Callable[[int | float], int | None] = truncate,
) -> int:
    if is_number(value):
        result = convert(value)
        if result is not None and is_int32(result):
            return result
    raise invalid_arguments(
        function,
        f"argument {position} must be an integer from {INT_MIN} to {INT_MAX}, "
        f"not {describe(value)}",
    )


def _short_text(function: str, value: Json, position: int) -> str:
    text = _string(function, value, position)
    if len(text) > MAX_TEXT:
        raise invalid_arguments(
            function,
            f"argument {position} is {len(text)} characters long; the limit is {MAX_TEXT}",
        )
    return text


def format_pieces(pieces: tuple[str, ...], values: tuple[Json, ...]) -> str:
    """Join the text around ``{}`` placeholders with the values that replace them."""
    parts = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts.append(format_text(value))
        parts.append(piece)
    return "".join(parts)


def format_template(_scope: Scope, template: Json, *values: Json) -> str:
    """``States.Format`` with a template known only at run time."""
    text = _string("States.Format", template, 1)
    pieces = tuple(text.split("{}"))
    if len(pieces) - 1 != len(values):
        raise invalid_arguments(
            "States.Format",
            f"the template has {len(pieces) - 1} '{{}}' placeholder(s) "
            f"but {len(values)} value(s) follow it",
        )
    return format_pieces(pieces, values)


def string_to_json(_scope: Scope, text: Json) -> Json:
    """``States.StringToJson``: parse JSON text."""
    source = _string("States.StringToJson", text, 1)
    if not source.strip():
        # AWS's parser reads blank text as no value at all and returns null.
        return None
    try:
        return msgspec.json.decode(source)
    except msgspec.DecodeError as exc:
        raise invalid_arguments(
            "States.StringToJson", f"argument 1 is not valid JSON ({exc})"
        ) from None


def json_to_string(_scope: Scope, value: Json) -> str:
    """``States.JsonToString``: compact JSON text of any value."""
    return to_json(value)


def array(_scope: Scope, *values: Json) -> list[Json]:
    """``States.Array``: its arguments as an array."""
    return list(values)


def array_partition(_scope: Scope, items: Json, size: Json) -> list[Json]:
    """``States.ArrayPartition``: consecutive chunks of ``size`` items, the last shorter."""
    function = "States.ArrayPartition"
    values = _array(function, items, 1)
    chunk = _integer(function, size, 2)
    if chunk <= 0:
        raise invalid_arguments(
            function, f"the chunk size must be greater than 0, not {describe(size)}"
        )
    return [values[start : start + chunk] for start in range(0, len(values), chunk)]


def array_contains(_scope: Scope, items: Json, value: Json) -> bool:
    """``States.ArrayContains``: whether the array holds a value equal to ``value``."""
    values = _array("States.ArrayContains", items, 1)
    if type(value) is str:
        return value in values
    key = equality_key(value)
    return any(equality_key(item) == key for item in values)


def array_range(_scope: Scope, first: Json, last: Json, step: Json) -> list[int]:
    """``States.ArrayRange``: ``first``, ``first + step``, ... up to ``last`` inclusive."""
    function = "States.ArrayRange"
    start = _integer(function, first, 1)
    stop = _integer(function, last, 2)
    increment = _integer(function, step, 3)
    if increment == 0:
        raise invalid_arguments(function, "the step (argument 3) must not be 0")
    count = max(0, (stop - start) // increment + 1)
    if count > MAX_RANGE:
        raise invalid_arguments(
            function, f"the range has {count} elements; the limit is {MAX_RANGE}"
        )
    return list(range(start, stop + (1 if increment > 0 else -1), increment))


def array_get_item(_scope: Scope, items: Json, index: Json) -> Json:
    """``States.ArrayGetItem``: the element at a zero-based index."""
    function = "States.ArrayGetItem"
    values = _array(function, items, 1)
    position = _integer(function, index, 2)
    if not 0 <= position < len(values):
        raise invalid_arguments(
            function, f"index {position} is out of range for an array of {len(values)}"
        )
    return values[position]


def array_length(_scope: Scope, items: Json) -> int:
    """``States.ArrayLength``: the number of elements."""
    return len(_array("States.ArrayLength", items, 1))


def array_unique(_scope: Scope, items: Json) -> list[Json]:
    """``States.ArrayUnique``: the elements without repeats, first occurrences kept."""
    values = _array("States.ArrayUnique", items, 1)
    seen: set[object] = set()
    unique: list[Json] = []
    for item in values:
        key = equality_key(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def base64_encode(_scope: Scope, text: Json) -> str:
    """``States.Base64Encode``: the Base64 of the text's UTF-8 bytes."""
    data = _short_text("States.Base64Encode", text, 1)
    return base64.b64encode(data.encode()).decode("ascii")


def base64_decode(_scope: Scope, text: Json) -> str:
    """``States.Base64Decode``: decode Base64 text to a string, as leniently as AWS does.

    AWS ignores characters outside the Base64 alphabet, stops at the first ``=`` and
    drops a trailing partial group, so malformed input decodes rather than failing.
    Bytes that are not UTF-8 become U+FFFD.
    """
    data = _short_text("States.Base64Decode", text, 1)
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error:
        raw = _lenient_base64(data)
    return raw.decode("utf-8", errors="replace")


def _lenient_base64(text: str) -> bytes:
    padding = text.find("=")
    if padding >= 0:
        text = text[:padding]
    digits = "".join(char for char in text if char in _BASE64).translate(_URL_SAFE)
    usable = len(digits) - (1 if len(digits) % 4 == 1 else 0)
    digits = digits[:usable]
    return base64.b64decode(digits + "=" * (-len(digits) % 4))


def hash_(_scope: Scope, data: Json, algorithm: Json) -> str:
    """``States.Hash``: the hex digest of the data's UTF-8 bytes.

    A value that is not a string is hashed as its JSON text, as AWS does.
    """
    function = "States.Hash"
    name = _string(function, algorithm, 2)
    digest = HASHES.get(name)
    if digest is None:
        raise invalid_arguments(
            function, f"unsupported algorithm {to_json(name)}; use one of {', '.join(HASHES)}"
        )
    text = data if type(data) is str else to_json(data)
    if len(text) > MAX_TEXT:
        raise invalid_arguments(
            function, f"the data is {len(text)} characters long; the limit is {MAX_TEXT}"
        )
    return hashlib.new(digest, text.encode()).hexdigest()


def json_merge(_scope: Scope, left: Json, right: Json, deep: Json) -> dict[str, Json]:
    """``States.JsonMerge``: a shallow merge where ``right``'s members win.

    AWS supports only the shallow mode, so a ``true`` third argument fails; it merges
    shallowly for any other value.
    """
    function = "States.JsonMerge"
    for position, value in ((1, left), (2, right)):
        if type(value) is not dict:
            raise invalid_arguments(
                function, f"argument {position} must be an object, not {describe(value)}"
            )
    if deep is True:
        raise invalid_arguments(function, "deep merging (a true argument 3) is not supported")
    return {**left, **right}


def math_random(_scope: Scope, start: Json, end: Json, seed: Json) -> int:
    """``States.MathRandom`` with a seed: deterministic, from ``start`` up to ``end``."""
    low, high = random_bounds(start, end)
    return random.Random(_integer("States.MathRandom", seed, 3)).randrange(low, high)


def math_random_unseeded(scope: Scope, start: Json, end: Json) -> int:
    """``States.MathRandom`` without a seed, drawing from the scope's random source."""
    low, high = random_bounds(start, end)
    return scope.random.randrange(low, high)


def random_bounds(start: Json, end: Json) -> tuple[int, int]:
    """The integer bounds of ``States.MathRandom``: ``start`` included, ``end`` excluded."""
    function = "States.MathRandom"
    low = _integer(function, start, 1)
    high = _integer(function, end, 2)
    if low >= high:
        raise invalid_arguments(
            function, f"the start ({low}) must be less than the end ({high}), which is excluded"
        )
    return low, high


def math_add(_scope: Scope, left: Json, right: Json) -> int:
    """``States.MathAdd``: the sum of two 32-bit integers; other numbers are rounded."""
    if (
        type(left) is int
        and type(right) is int
        and INT_MIN <= left <= INT_MAX
        and INT_MIN <= right <= INT_MAX
        and INT_MIN <= left + right <= INT_MAX
    ):
        return left + right
    function = "States.MathAdd"
    total = _integer(function, left, 1, java_round) + _integer(function, right, 2, java_round)
    if not is_int32(total):
        raise invalid_arguments(
            function, f"the sum {total} is outside the range {INT_MIN} to {INT_MAX}"
        )
    return total


def string_split(_scope: Scope, text: Json, delimiters: Json) -> list[str]:
    """``States.StringSplit``: split at any of the delimiter characters.

    Like Java's ``StringTokenizer``, which AWS's results match, every character of
    ``delimiters`` separates and empty pieces are dropped.
    """
    function = "States.StringSplit"
    source = _string(function, text, 1)
    separators = _string(function, delimiters, 2)
    if not separators:
        return [source] if source else []
    first = separators[0]
    if len(separators) > 1:
        source = source.translate({ord(char): first for char in separators[1:]})
    return [piece for piece in source.split(first) if piece]


def uuid4(scope: Scope) -> str:
    """``States.UUID``: a version 4 UUID drawn from the scope's random source."""
    return str(uuid.UUID(int=scope.random.getrandbits(128), version=4))
