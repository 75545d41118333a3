"""Reading a blueprint's JSON text: syntax errors with their position, and duplicate keys.

JSON parsers keep the last of two equal keys without a word, which silently drops half
of a state written twice; SFC reports every duplicate, with the pointer of the member.
"""

from __future__ import annotations

import json
import re
from typing import Final

import msgspec

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation.problems import Problem

_BYTE: Final = re.compile(r"\(byte (\d+)\)")


class _Members(dict[str, Json]):
    """An object as parsed, remembering the keys that appeared more than once."""

    duplicates: tuple[str, ...] = ()
    shadowed: tuple[tuple[str, Json], ...] = ()
    """The values of duplicate keys that later ones replaced: they may hide duplicates too."""


class _NotJsonError(ValueError):
    """The text uses NaN or Infinity, which Python's parser accepts but JSON does not."""


def _members(pairs: list[tuple[str, Json]]) -> _Members:
    members = _Members(pairs)
    if len(members) != len(pairs):
        last = {key: index for index, (key, _value) in enumerate(pairs)}
        shadowed = [(k, v) for index, (k, v) in enumerate(pairs) if last[k] != index]
        members.duplicates = tuple(dict.fromkeys(key for key, _value in shadowed))
        members.shadowed = tuple(shadowed)
    return members


def _reject_constant(name: str) -> Json:
    raise _NotJsonError(name)


def parse(text: str) -> tuple[Json, list[Problem]]:
    """Parse a blueprint's text.

    Returns:
        The decoded value (plain dicts and lists; of duplicate keys the last value is
        kept) and the problems found: one ``json-syntax`` problem, and no value, when the
        text is not JSON; one ``duplicate-key`` problem per repeated key otherwise.
    """
    try:
        raw = json.loads(text, object_pairs_hook=_members, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message = f"The text is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        return None, [Problem("", "json-syntax", message)]
    except _NotJsonError as exc:
        line, column = _position_of_constant(text)
        message = (
            f"The text is not valid JSON: {exc.args[0]} is not a JSON value at line {line}, "
            f"column {column}."
        )
        return None, [Problem("", "json-syntax", message)]
    problems: list[Problem] = []
    return _plain(raw, "", problems), problems


def _plain(value: Json, pointer: str, problems: list[Problem]) -> Json:
    if isinstance(value, _Members):
        for key in value.duplicates:
            message = f"Key {key!r} appears more than once in the same object; keep only one."
            problems.append(Problem(child(pointer, key), "duplicate-key", message))
        for key, item in value.shadowed:
            _plain(item, child(pointer, key), problems)
        return {key: _plain(item, child(pointer, key), problems) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, child(pointer, index), problems) for index, item in enumerate(value)]
    return value


def _position_of_constant(text: str) -> tuple[int, int]:
    # msgspec rejects NaN and Infinity too, and says at which byte.
    data = text.encode("utf-8")
    try:
        msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        found = _BYTE.search(str(exc))
        if found:
            before = data[: int(found.group(1))].decode("utf-8", errors="replace")
            return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    return 1, 1
