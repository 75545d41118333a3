"""JSON pointers (RFC 6901) into a blueprint, for saying where a problem is."""

from __future__ import annotations


def child(pointer: str, key: str | int) -> str:
    """The pointer to member ``key`` (a name or an index) of the value at ``pointer``."""
    if isinstance(key, int):
        return f"{pointer}/{key}"
    return f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
