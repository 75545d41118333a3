"""The headers every SFC message carries."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Header(StrEnum):
    """Header names."""

    TYPE = "sfc-type"
    ID = "sfc-id"
    FLOW = "sfc-flow"
    BLUEPRINT = "sfc-blueprint"
    TRACEPARENT = "traceparent"
    EPOCH = "sfc-epoch"
    REPLY_TO = "sfc-reply-to"
    TOKEN = "sfc-token"


def make_headers(
    type_: str,
    message_id: str,
    *,
    flow: str | None = None,
    blueprint: str | None = None,
    traceparent: str | None = None,
    **extra: str,
) -> list[tuple[str, bytes]]:
    """The headers of one message; ``extra`` maps header names (with ``_`` for ``-``)."""
    headers = [(Header.TYPE.value, type_.encode()), (Header.ID.value, message_id.encode())]
    if flow is not None:
        headers.append((Header.FLOW.value, flow.encode()))
    if blueprint is not None:
        headers.append((Header.BLUEPRINT.value, blueprint.encode()))
    if traceparent is not None:
        headers.append((Header.TRACEPARENT.value, traceparent.encode()))
    headers.extend((name.replace("_", "-"), value.encode()) for name, value in extra.items())
    return headers


def header_value(headers: Iterable[tuple[str, bytes]], name: str) -> str | None:
    """The value of header ``name``, or None."""
    for key, value in headers:
        if key == name:
            return value.decode(errors="replace")
    return None
