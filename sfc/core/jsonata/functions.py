"""The JSONata functions as Step Functions provides them, and deterministic.

AWS adds ``$partition``, ``$range``, ``$hash``, ``$random`` (with an optional seed),
``$uuid`` and ``$parse``, and removes ``$eval``. The behaviours below that go beyond the
AWS documentation were measured against Step Functions with TestState by the floci
emulator's authors (github.com/floci-io/floci, ``docs/services/step-functions.md``): a
non-integer count or bound is truncated towards zero; a zero chunk size, an empty array,
a ``$range`` without a step or stepping away from its end, and a ``$hash`` without an
algorithm give undefined; a one-element ``$range`` is the bare number; ``$hash``
algorithm names are case-sensitive. ``$random(seed)`` gives the same number for the same
seed, but not the number AWS gives: AWS does not say how it seeds.

The core is pure, so every function that would read the clock or the OS's randomness
(``$now``, ``$millis``, ``$random``, ``$uuid``, ``$shuffle``) reads the
:class:`~sfc.core.scope.Scope` of the evaluation instead: ``scope.now`` and
``scope.random``.
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, Final

import msgspec
from jsonata import Functions, Jsonata, Utils

from sfc.core.scope import Scope

SCOPED: Final = frozenset({"now", "millis", "random", "uuid", "shuffle"})
"""Functions that read the scope: an expression calling none of them does not need it."""

CURRENT_SCOPE: ContextVar[Scope] = ContextVar("sfc_jsonata_scope")
"""The scope of the evaluation in progress, for the functions in :data:`SCOPED`."""

RANGE_LIMIT: Final = 360_145
"""The most values ``$range`` makes; AWS refuses one more ("memory limit exceeded")."""

_HASHES: Final = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


class QueryError(Exception):
    """A function refused its arguments; the message goes into the state's error cause."""


class _Native(Jsonata.JFunctionCallable):
    """Adapts a Python function to jsonata-python's calling convention."""

    __slots__ = ("_arity", "_function")

    def __init__(self, function: Callable[..., Any], arity: int) -> None:
        self._function = function
        self._arity = arity

    def call(self, input: Any, args: Sequence[Any] | None) -> Any:
        values = list(args or ())[: self._arity]
        values.extend([None] * (self._arity - len(values)))
        return self._function(*values)


def _integer(number: float) -> int:
    return math.trunc(number)


def partition(array: list[Any] | None, size: float | None) -> Any:
    """``$partition(array, size)``: the array cut into chunks of ``size`` items."""
    if array is None or size is None:
        return None
    chunk = _integer(size)
    if not array or chunk < 1:
        return None
    items = list(array)
    return [items[start : start + chunk] for start in range(0, len(items), chunk)]


def range_(start: float | None, end: float | None, step: float | None) -> Any:
    """``$range(start, end, step)``: ``start``, ``start + step``, ... up to ``end`` included."""
    if start is None or end is None or step is None:
        return None
    first, last, stride = _integer(start), _integer(end), _integer(step)
    if stride == 0 or (stride > 0 and first > last) or (stride < 0 and first < last):
        return None
    if abs(last - first) // abs(stride) + 1 > RANGE_LIMIT:
        raise QueryError(
            "Expression evaluation memory limit exceeded: "
            f"$range may make at most {RANGE_LIMIT} values"
        )
    stop = last + (1 if stride > 0 else -1)
    # A sequence, so that one value collapses to the bare number, as on AWS.
    return Utils.create_sequence_from_iter(range(first, stop, stride))


def hash_(data: str | None, algorithm: str | None) -> Any:
    """``$hash(data, algorithm)``: the hex digest of the UTF-8 bytes of ``data``."""
    if data is None or algorithm is None:
        return None
    name = _HASHES.get(algorithm)
    if name is None:
        raise QueryError(
            f"$hash does not know the algorithm {algorithm!r}; use one of {', '.join(_HASHES)}"
        )
    return hashlib.new(name, data.encode(), usedforsecurity=False).hexdigest()


def parse(text: str | None) -> Any:
    """``$parse(text)``: the JSON value a string holds (AWS's stand-in for ``$eval``)."""
    if text is None:
        return None
    try:
        value = msgspec.json.decode(text.encode())
    except msgspec.DecodeError as exc:
        raise QueryError(f"$parse was given invalid JSON: {exc}") from exc
    # jsonata-python reads None as undefined; JSON null is its NULL_VALUE.
    return Utils.NULL_VALUE if value is None else value


def random_(seed: float | None) -> float:
    """``$random(seed?)``: a number in [0, 1), the same for the same seed."""
    if seed is None:
        return CURRENT_SCOPE.get().random.random()
    key = int(seed) if float(seed).is_integer() else seed
    return random.Random(key).random()


def uuid_() -> str:
    """``$uuid()``: a version 4 UUID drawn from the scope's random source."""
    bits = CURRENT_SCOPE.get().random.getrandbits(128)
    return str(uuid.UUID(int=bits, version=4))


def shuffle(array: list[Any] | None) -> Any:
    """``$shuffle(array)``: the array in an order drawn from the scope's random source."""
    if array is None:
        return None
    items = list(array)
    CURRENT_SCOPE.get().random.shuffle(items)
    return items


def millis() -> int:
    """``$millis()``: the scope's time in milliseconds since the epoch."""
    return round(CURRENT_SCOPE.get().now * 1000)


def now(picture: str | None, timezone: str | None) -> Any:
    """``$now(picture?, timezone?)``: the scope's time as an ISO 8601 timestamp."""
    return Functions.datetime_from_millis(millis(), picture, timezone)


def _frame() -> Jsonata.Frame:
    frame = Jsonata.Frame(Jsonata.static_frame)
    definitions: list[tuple[str, Callable[..., Any], int, str]] = [
        ("partition", partition, 2, "<an:a>"),
        ("range", range_, 3, "<nnn?:a>"),
        ("hash", hash_, 2, "<ss?:s>"),
        ("parse", parse, 1, "<s:x>"),
        ("random", random_, 1, "<n?:n>"),
        ("uuid", uuid_, 0, "<:s>"),
        ("shuffle", shuffle, 1, "<a:a>"),
        ("millis", millis, 0, "<:n>"),
        ("now", now, 2, "<s?s?:s>"),
    ]
    for name, function, arity, signature in definitions:
        frame.bind(name, Jsonata.JFunction(_Native(function, arity), signature))
    # Unbound, a call answers T1006 "Attempted to invoke a non-function", as on AWS.
    frame.bind("eval", None)
    return frame


FRAME: Final = _frame()
"""The functions every evaluation sees: JSONata's own, with AWS's changes."""
