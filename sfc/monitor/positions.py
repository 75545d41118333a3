"""Where a JSON pointer sits in a blueprint's text: line and column, for the composer.

Validation names what is wrong with JSON pointers (``/States/Charge/Next``); an editor
needs a line. :class:`TextIndex` scans the text once (a strict JSON scanner, about as
fast as the regular expression engine) and remembers where every member's key and
every value begins; a pointer is placed at its member's key (the line a person reads
as "the ``Next`` of ``Charge``"), an array item at its value. A pointer to something
missing (a required field left out) is placed at the closest thing that exists: the
object that lacks it.

Lines and columns count from 1; columns count characters (Unicode code points).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from typing import Final

import msgspec

from sfc.core.pointer import child
from sfc.core.validation import Problem

MAX_DEPTH: Final = 256
"""Nesting deeper than this is not indexed (its pointers land on the deepest indexed)."""

_TOKEN: Final = re.compile(
    r"""[ \t\r\n]*(?:
      (?P<string>"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")
    | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
    | (?P<literal>true|false|null)
    | (?P<punct>[{}\[\]:,])
    )""",
    re.VERBOSE,
)
_SPACE: Final = re.compile(r"[ \t\r\n]*")


class Position(msgspec.Struct, frozen=True):
    """A place in a text: ``line`` and ``column``, both counted from 1."""

    line: int
    column: int


class LocatedProblem(msgspec.Struct, frozen=True):
    """A validation problem with the place in the text it is about."""

    pointer: str
    code: str
    message: str
    line: int
    column: int


class _MalformedError(Exception):
    """The scanner met something that is not JSON, at ``offset``."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class TextIndex:
    """Every pointer of a JSON text and where it begins, scanned once.

    Args:
        text: The JSON text. When it is malformed, what precedes the fault is indexed
            and :attr:`error` holds the fault's position.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines = [0, *(m.end() for m in re.finditer(r"\n", text))]
        self._places: dict[str, int] = {}
        self.error: Position | None = None
        try:
            end = self._skip(self._value(0, "", 0))
            if end != len(text):
                raise _MalformedError(end)
        except _MalformedError as fault:
            self.error = self.position(fault.offset)

    def position(self, offset: int) -> Position:
        """The line and column of a character offset."""
        line = bisect.bisect_right(self._lines, offset) - 1
        return Position(line + 1, offset - self._lines[line] + 1)

    def locate(self, pointer: str) -> Position:
        """Where ``pointer`` (or, if it names nothing, its closest ancestor) begins."""
        while pointer and pointer not in self._places:
            pointer = pointer[: pointer.rfind("/")]
        return self.position(self._places.get(pointer, 0))

    # -- the scanner: each method takes an offset and returns the offset after what it read.
    # Places are assigned, not kept: of repeated keys the last counts, as when decoding.

    def _skip(self, offset: int) -> int:
        space = _SPACE.match(self._text, offset)
        return space.end() if space else offset

    def _token(self, offset: int) -> re.Match[str]:
        found = _TOKEN.match(self._text, offset)
        if found is None:
            raise _MalformedError(self._skip(offset))
        return found

    def _value(self, offset: int, pointer: str, depth: int, *, place: bool = True) -> int:
        token = self._token(offset)
        start = _start(token)
        if place:
            self._places[pointer] = start
        punct = token.group("punct")
        if punct is None:
            return token.end()
        if depth >= MAX_DEPTH or punct not in "{[":
            raise _MalformedError(start)
        if punct == "{":
            return self._object(token.end(), pointer, depth + 1)
        return self._array(token.end(), pointer, depth + 1)

    def _object(self, offset: int, pointer: str, depth: int) -> int:
        token = self._token(offset)
        if token.group("punct") == "}":
            return token.end()
        while True:
            key = token.group("string")
            if key is None:
                raise _MalformedError(_start(token))
            member = child(pointer, json.loads(key))
            if member in self._places:
                self._forget(member)
            self._places[member] = _start(token)  # a member is placed at its key
            colon = self._token(token.end())
            if colon.group("punct") != ":":
                raise _MalformedError(_start(colon))
            token = self._token(self._value(colon.end(), member, depth, place=False))
            if token.group("punct") == "}":
                return token.end()
            if token.group("punct") != ",":
                raise _MalformedError(_start(token))
            token = self._token(token.end())

    def _forget(self, member: str) -> None:
        """Drop what an earlier value of a repeated key placed: the last one counts."""
        inside = member + "/"
        for pointer in [p for p in self._places if p.startswith(inside)]:
            del self._places[pointer]

    def _array(self, offset: int, pointer: str, depth: int) -> int:
        token = self._token(offset)
        if token.group("punct") == "]":
            return token.end()
        index = 0
        offset = self._value(offset, child(pointer, index), depth)
        while True:
            token = self._token(offset)
            if token.group("punct") == "]":
                return token.end()
            if token.group("punct") != ",":
                raise _MalformedError(_start(token))
            index += 1
            offset = self._value(token.end(), child(pointer, index), depth)


def _start(token: re.Match[str]) -> int:
    """Where a token begins, after the white space the match took in."""
    return token.start(token.lastgroup or 0)


def position_of(text: str, pointer: str) -> Position:
    """Where ``pointer`` sits in ``text`` (see :meth:`TextIndex.locate`)."""
    return TextIndex(text).locate(pointer)


def syntax_position(text: str) -> Position:
    """Where a text stops being JSON (line 1, column 1 when it is JSON)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        # Python's parser, as validation uses: the place its message names.
        return Position(exc.lineno, exc.colno)
    except ValueError:
        pass
    return TextIndex(text).error or Position(1, 1)


def locate_problems(text: str, problems: Sequence[Problem]) -> list[LocatedProblem]:
    """The problems found in ``text``, each with its line and column in it."""
    index: TextIndex | None = None
    located = []
    for problem in problems:
        if problem.code == "json-syntax":
            where = syntax_position(text)
        else:
            index = index or TextIndex(text)
            where = index.locate(problem.pointer)
        located.append(
            LocatedProblem(problem.pointer, problem.code, problem.message, where.line, where.column)
        )
    return located
