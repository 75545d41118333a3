"""Parse an intrinsic function call into a small syntax tree.

The grammar is AWS's: a call is ``States.Name(arg, ...)``; an argument is a string in
single quotes, a JSON number, ``true``, ``false``, ``null``, a path (``$...``, ``$$...``,
``$name...``) or another call. In strings the backslash escapes ``'``, ``{``, ``}`` and
itself, and nothing else. White space may surround arguments.
"""

from __future__ import annotations

import math
import re
from typing import Final, TypeAlias

import msgspec

from sfc.core.intrinsics.errors import IntrinsicSyntaxError
from sfc.core.types import Json

MAX_DEPTH: Final = 10
"""AWS allows intrinsic functions to be nested at most this deep in one field."""

_NAME: Final = re.compile(r"States\.([A-Za-z0-9_]+)")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS: Final[dict[str, Json]] = {"true": True, "false": False, "null": None}
_ESCAPABLE: Final = frozenset("'{}\\")
_SPACE: Final = frozenset(" \t\n\r")
_PATH_END: Final = frozenset(",)") | _SPACE
_CLOSING: Final = {"[": "]", "(": ")"}


class Literal(msgspec.Struct, frozen=True):
    """A string, number, boolean or null written in the call.

    Attributes:
        value: The value, escapes resolved.
        offset: Where it starts in the call text.
        template: For a string, the text between its unescaped ``{}`` placeholders (one
            more piece than placeholders), as ``States.Format`` uses it; empty otherwise.
        lone_brace: For a string, whether it has an unescaped ``{`` or ``}`` that is not
            part of a ``{}`` placeholder.
    """

    value: Json
    offset: int
    template: tuple[str, ...] = ()
    lone_brace: bool = False


class PathArg(msgspec.Struct, frozen=True):
    """A path argument, as written."""

    text: str
    offset: int


class Call(msgspec.Struct, frozen=True):
    """A call of ``States.<name>``."""

    name: str
    args: tuple[Node, ...]
    offset: int

    @property
    def function(self) -> str:
        """The full function name, for example ``States.Format``."""
        return f"States.{self.name}"


Node: TypeAlias = Literal | PathArg | Call


def parse(text: str) -> Call:
    """Parse an intrinsic function call.

    Raises:
        IntrinsicSyntaxError: The text is not one well-formed call.
    """
    return _Parser(text).parse()


class _Parser:
    __slots__ = ("pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self) -> Call:
        call = self._call(1)
        if self.pos != len(self.text):
            raise self._error("unexpected text after the closing parenthesis")
        return call

    def _error(self, what: str, at: int | None = None) -> IntrinsicSyntaxError:
        where = self.pos if at is None else at
        return IntrinsicSyntaxError(
            f"invalid intrinsic function call {self.text!r}: {what} at position {where}"
        )

    def _skip_space(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        self.pos = pos

    def _call(self, depth: int) -> Call:
        start = self.pos
        if depth > MAX_DEPTH:
            raise self._error(f"intrinsic functions are nested more than {MAX_DEPTH} deep")
        match = _NAME.match(self.text, start)
        if match is None:
            raise self._error("expected a function name such as States.Format")
        self.pos = match.end()
        self._skip_space()
        if not self.text.startswith("(", self.pos):
            raise self._error(f"expected '(' after {match.group(0)}")
        self.pos += 1
        args: list[Node] = []
        self._skip_space()
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return Call(match.group(1), (), start)
        while True:
            args.append(self._argument(depth))
            self._skip_space()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self._skip_space()
            elif self.text.startswith(")", self.pos):
                self.pos += 1
                return Call(match.group(1), tuple(args), start)
            elif self.pos == len(self.text):
                raise self._error("missing ')'")
            else:
                raise self._error("expected ',' or ')'")

    def _argument(self, depth: int) -> Node:
        text, pos = self.text, self.pos
        if pos == len(text):
            raise self._error("missing argument")
        char = text[pos]
        if char == "'":
            return self._string()
        if char == "$":
            return self._path()
        if char == "-" or char.isdigit():
            return self._number()
        if text.startswith("States.", pos):
            return self._call(depth + 1)
        word = _WORD.match(text, pos)
        if word is not None and word.group(0) in _KEYWORDS:
            self.pos = word.end()
            return Literal(_KEYWORDS[word.group(0)], pos)
        if char in ",)":
            raise self._error("missing argument")
        raise self._error(
            "expected an argument (a 'string', a number, true, false, null, "
            "a path or a States.* call)"
        )

    def _string(self) -> Literal:
        text, start = self.text, self.pos
        chars: list[str] = []
        escaped: list[bool] = []
        pos = start + 1
        while True:
            if pos >= len(text):
                raise self._error("unterminated string", start)
            char = text[pos]
            if char == "'":
                break
            if char == "\\":
                following = text[pos + 1 : pos + 2]
                if following not in _ESCAPABLE:
                    raise self._error("a backslash in a string must escape ', {, } or \\", pos)
                chars.append(following)
                escaped.append(True)
                pos += 2
            else:
                chars.append(char)
                escaped.append(False)
                pos += 1
        self.pos = pos + 1
        template, lone_brace = _template(chars, escaped)
        return Literal("".join(chars), start, template, lone_brace)

    def _number(self) -> Literal:
        start = self.pos
        match = _NUMBER.match(self.text, start)
        if match is None:
            raise self._error("malformed number")
        end = match.end()
        if end < len(self.text) and self.text[end] not in _PATH_END:
            raise self._error("malformed number")
        self.pos = end
        literal = match.group(0)
        if match.group(1) is None and match.group(2) is None:
            return Literal(int(literal), start)
        value = float(literal)
        if not math.isfinite(value):
            raise self._error(f"number {literal} is out of range", start)
        return Literal(value, start)

    def _path(self) -> PathArg:
        # A path ends at a ',' or ')' or white space outside brackets and parentheses,
        # so that filters such as [?(@.a == 'x, y')] stay whole.
        text, start = self.text, self.pos
        pos = start
        closers: list[str] = []
        while pos < len(text):
            char = text[pos]
            if not closers:
                if char in _PATH_END:
                    break
            elif char == closers[-1]:
                closers.pop()
            elif char in "'\"":
                end = _quote_end(text, pos)
                if end < 0:
                    raise self._error("unterminated quote in path", pos)
                pos = end
            if char in _CLOSING:
                closers.append(_CLOSING[char])
            pos += 1
        if closers:
            raise self._error(f"missing '{closers[-1]}' in path", start)
        self.pos = pos
        return PathArg(text[start:pos], start)


def _quote_end(text: str, pos: int) -> int:
    quote = text[pos]
    pos += 1
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
            continue
        if text[pos] == quote:
            return pos
        pos += 1
    return -1


def _template(chars: list[str], escaped: list[bool]) -> tuple[tuple[str, ...], bool]:
    pieces: list[str] = []
    piece: list[str] = []
    lone_brace = False
    index = 0
    while index < len(chars):
        char = chars[index]
        if not escaped[index] and char in "{}":
            following = index + 1
            if (
                char == "{"
                and following < len(chars)
                and chars[following] == "}"
                and not escaped[following]
            ):
                pieces.append("".join(piece))
                piece = []
                index += 2
                continue
            lone_brace = True
        piece.append(char)
        index += 1
    pieces.append("".join(piece))
    return tuple(pieces), lone_brace
