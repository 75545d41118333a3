"""Reading requests: JSON bodies within a size limit, typed fields, query and path values.

Every mistake raises an :class:`~sfc.errors.InputError` that names the field at fault, so
the answer tells the client exactly what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Final

import msgspec
from aiohttp import web

from sfc.core.types import Json
from sfc.errors import InputError
from sfc.gateway.errors import PayloadTooLargeError

MAX_DEFINITION_BYTES: Final = 1024 * 1024
"""The largest blueprint or task-definition request body accepted."""

_CHUNK: Final = 64 * 1024


async def read_json(request: web.Request, limit: int) -> Json:
    """The request's JSON body, or None when it has none.

    Raises:
        PayloadTooLargeError: The body (declared or actual) is over ``limit`` bytes.
        InputError: The body is not JSON.
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise PayloadTooLargeError(f"the request body is {declared} bytes; at most {limit}")
    data = bytearray()
    # Content-Length may be absent (chunked) or wrong: count what actually arrives.
    while chunk := await request.content.read(_CHUNK):
        data += chunk
        if len(data) > limit:
            raise PayloadTooLargeError(f"the request body is over {limit} bytes")
    if not data.strip():
        return None
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise InputError(f"the request body is not valid JSON: {exc}", field="body") from exc


class Body:
    """The fields of a JSON object body, read with their types checked.

    Args:
        value: The decoded body; None (no body) counts as ``{}``.
        allowed: The field names this request accepts; any other is refused.

    Raises:
        InputError: The body is not an object, or has a field not in ``allowed``.
    """

    def __init__(self, value: Json, allowed: Collection[str]) -> None:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise InputError("the request body must be a JSON object", field="body")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise InputError(f"unknown field {unknown[0]!r}", field=unknown[0])
        self._value: dict[str, Json] = value

    def has(self, name: str) -> bool:
        """Whether the body sets ``name`` (to anything, null included)."""
        return name in self._value

    def string(self, name: str) -> str:
        """A required non-empty string."""
        value = self.optional_string(name)
        if value is None:
            raise InputError(f"{name!r} is required", field=name)
        return value

    def optional_string(self, name: str) -> str | None:
        """A non-empty string, or None when absent or null."""
        value = self._value.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise InputError(f"{name!r} must be a non-empty string", field=name)
        return value

    def optional_int(self, name: str, minimum: int = 1) -> int | None:
        """An integer of at least ``minimum``, or None when absent or null."""
        value = self._value.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InputError(f"{name!r} must be an integer of at least {minimum}", field=name)
        return value

    def flag(self, name: str) -> bool:
        """A boolean, False when absent or null."""
        value = self._value.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise InputError(f"{name!r} must be true or false", field=name)
        return value

    def object(self, name: str) -> dict[str, Json]:
        """A required JSON object."""
        value = self._value.get(name)
        if not isinstance(value, dict):
            raise InputError(f"{name!r} must be a JSON object", field=name)
        return value

    def any(self, name: str, default: Json = None) -> Json:
        """Any JSON value, ``default`` when absent."""
        return self._value.get(name, default)


def path_int(request: web.Request, name: str) -> int:
    """A positive integer from the route's path, such as a version number."""
    return _positive(request.match_info[name], name)


def query_int(request: web.Request, name: str) -> int:
    """A required positive integer from the query string."""
    text = request.query.get(name)
    if text is None:
        raise InputError(f"the query parameter {name!r} is required", field=name)
    return _positive(text, name)


def _positive(text: str, name: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InputError(f"{name!r} must be a positive integer, not {text!r}", field=name)
    return int(text)


def query_seconds(request: web.Request, name: str, cap: float) -> float:
    """A number of seconds from the query string (0 when absent), at most ``cap``."""
    text = request.query.get(name)
    if text is None:
        return 0.0
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(f"{name!r} must be a number of seconds, not {text!r}", field=name)
    return min(seconds, cap)


def header_token(request: web.Request, name: str) -> str | None:
    """An optional opaque header value (such as ``Idempotency-Key``), 1-255 characters."""
    value = request.headers.get(name)
    if value is None:
        return None
    if not 0 < len(value) <= 255:
        raise InputError(f"the {name} header must be 1-255 characters", field=name)
    return value
