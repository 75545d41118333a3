"""Type aliases shared by the core."""

from typing import Any, TypeAlias

Json: TypeAlias = Any
"""A decoded JSON value: dict, list, str, int, float, bool or None. Never mutated in place."""
