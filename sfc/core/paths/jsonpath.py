"""Compiled ASL paths.

A *Path* selects from a JSON value (``$``), the context object (``$$``) or a workflow
variable (``$name``). Definite paths (only names and indexes) yield one value; any other
path yields a list of the matches, as in Jayway JsonPath, which AWS uses. A *Reference
Path* is a definite path on ``$``; it can also place a value (``ResultPath``).

Parsing is python-jsonpath's; definite paths, which are nearly all paths in practice, are
evaluated by walking their keys directly because that is many times faster.
"""

from __future__ import annotations

import re
from typing import Final

import jsonpath
import msgspec
from jsonpath.segments import JSONPathChildSegment
from jsonpath.selectors import IndexSelector, NameSelector

from sfc.core.failure import AslError, StatesError
from sfc.core.scope import Scope
from sfc.core.types import Json
from sfc.errors import SfcError

_ENV: Final = jsonpath.JSONPathEnvironment()
_VARIABLE_ROOT: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)(.*)\Z", re.DOTALL)
_MISSING: Final = object()

Key = str | int


class PathSyntaxError(SfcError):
    """A path is not valid JSONPath, or not of the kind the field requires."""

    code = "sfc.path_syntax"


def is_path(text: object) -> bool:
    """Tell whether a string is meant as a path (it starts with ``$``)."""
    return isinstance(text, str) and text.startswith("$")


class Path:
    """A compiled ASL Path.

    Attributes:
        text: The path as written.
        root: ``"$"`` for the data, ``"$$"`` for the context object, or the name of the
            workflow variable it reads.
        definite: Whether it can select at most one value.
    """

    __slots__ = ("_keys", "_query", "definite", "root", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if text != text.strip():
            raise PathSyntaxError(f"path {text!r} has leading or trailing white space")
        self.root, relative = _split_root(text)
        try:
            query = _ENV.compile(relative)
        except jsonpath.JSONPathError as exc:
            raise PathSyntaxError(f"invalid JSONPath {text!r}: {_first_line(exc)}") from exc
        if not isinstance(query, jsonpath.JSONPath):
            raise PathSyntaxError(f"invalid JSONPath {text!r}: unions with '|' are not ASL")
        self._query = query
        self._keys = _definite_keys(query)
        self.definite = self._keys is not None

    def __repr__(self) -> str:
        return f"Path({self.text!r})"

    def find(self, data: Json, scope: Scope | None = None) -> tuple[bool, Json]:
        """Select from ``data`` (or the root this path names).

        Returns:
            ``(True, value)`` when something was selected: the value for a definite path,
            the list of matches (possibly empty) otherwise; ``(False, None)`` when a
            definite path selects nothing.
        """
        target = self._target(data, scope)
        if target is _MISSING:
            return False, None
        keys = self._keys
        if keys is not None:
            value = _walk(target, keys)
            return (False, None) if value is _MISSING else (True, value)
        return True, self._query.findall(target)

    def select(self, data: Json, scope: Scope | None = None) -> Json:
        """Select from ``data``, failing with ``States.Runtime`` when nothing is there."""
        keys = self._keys
        if keys is not None and self.root == "$":
            value = _walk(data, keys)
            if value is not _MISSING:
                return value
        else:
            found, value = self.find(data, scope)
            if found:
                return value
        raise AslError(StatesError.RUNTIME, f"Invalid path '{self.text}': no value selected")

    def where(self, data: Json) -> str:
        """Where this path looks, for messages: the input (shown), the context object or a
        variable."""
        if self.root == "$":
            return f"the input '{msgspec.json.encode(data).decode()}'"
        if self.root == "$$":
            return "the context object"
        return f"the variable '${self.root}'"

    def _target(self, data: Json, scope: Scope | None) -> Json:
        root = self.root
        if root == "$":
            return data
        if scope is None:
            return _MISSING
        if root == "$$":
            return scope.context
        return scope.variables.get(root, _MISSING)


class ReferencePath(Path):
    """A definite path on ``$`` that can also place a value, as ``ResultPath`` does."""

    __slots__ = ()

    def __init__(self, text: str) -> None:
        super().__init__(text)
        if self.root != "$":
            raise PathSyntaxError(f"reference path {text!r} must start with '$.' or be '$'")
        if self._keys is None:
            raise PathSyntaxError(
                f"reference path {text!r} must select a single node: "
                "use only names and indexes, no wildcards, slices, filters or '..'"
            )

    @property
    def keys(self) -> tuple[Key, ...]:
        """The names and indexes the path walks, in order."""
        assert self._keys is not None  # guaranteed by __init__
        return self._keys

    def assign(self, data: Json, value: Json) -> Json:
        """Return a copy of ``data`` with ``value`` placed at this path.

        Missing objects on the way are created; nothing in ``data`` is modified.

        Raises:
            AslError: ``States.ResultPathMatchFailure`` when a step meets a value that is
                not an object (or, for an index, not a long enough array).
        """
        return _place(data, self.keys, 0, value, self.text)


def compile_path(text: str) -> Path:
    """Compile a Path (``InputPath``, ``OutputPath``, ``ItemsPath``, a ``.$`` value...).

    Raises:
        PathSyntaxError: The text is not a valid path.
    """
    return Path(text)


def compile_reference_path(text: str) -> ReferencePath:
    """Compile a Reference Path (``ResultPath``).

    Raises:
        PathSyntaxError: The text is not a valid reference path.
    """
    return ReferencePath(text)


def _split_root(text: str) -> tuple[str, str]:
    if not text.startswith("$"):
        raise PathSyntaxError(f"path {text!r} must start with '$'")
    if text.startswith("$$"):
        return "$$", "$" + text[2:]
    match = _VARIABLE_ROOT.match(text)
    if match:
        return match.group(1), "$" + match.group(2)
    return "$", text


def _definite_keys(query: jsonpath.JSONPath) -> tuple[Key, ...] | None:
    keys: list[Key] = []
    for segment in query.segments:
        if type(segment) is not JSONPathChildSegment or len(segment.selectors) != 1:
            return None
        selector = segment.selectors[0]
        if type(selector) is NameSelector:
            keys.append(selector.name)
        elif type(selector) is IndexSelector:
            keys.append(selector.index)
        else:
            return None
    return tuple(keys)


def _walk(node: Json, keys: tuple[Key, ...]) -> Json:
    for key in keys:
        if isinstance(key, str):
            if type(node) is not dict or key not in node:
                return _MISSING
        elif type(node) is not list or not -len(node) <= key < len(node):
            return _MISSING
        node = node[key]
    return node


def _place(node: Json, keys: tuple[Key, ...], at: int, value: Json, text: str) -> Json:
    if at == len(keys):
        return value
    key = keys[at]
    if isinstance(key, str):
        if node is _MISSING:
            node = {}
        elif not isinstance(node, dict):
            raise _result_path_failure(text, keys[:at])
        copy = dict(node)
        copy[key] = _place(node.get(key, _MISSING), keys, at + 1, value, text)
        return copy
    if not isinstance(node, list) or not -len(node) <= key < len(node):
        raise _result_path_failure(text, keys[:at])
    items = list(node)
    items[key] = _place(items[key], keys, at + 1, value, text)
    return items


def _result_path_failure(text: str, prefix: tuple[Key, ...]) -> AslError:
    where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in prefix)
    return AslError(
        StatesError.RESULT_PATH_MATCH_FAILURE,
        f"Unable to apply ResultPath '{text}': the value at '{where}' is not an object",
    )


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]
