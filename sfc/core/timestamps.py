"""Timestamps as ASL writes them: RFC 3339 with an upper-case ``T`` and a zone."""

from __future__ import annotations


def parse_timestamp(text: object) -> float | None:
    """Read an ASL timestamp, such as ``2026-03-14T01:59:00Z``.

    Returns:
        Seconds since the Unix epoch, or None when ``text`` is not a valid ASL timestamp.
    """
    raise NotImplementedError
