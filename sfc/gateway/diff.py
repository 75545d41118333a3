"""Comparing two blueprint versions: a unified text diff and the states that changed."""

from __future__ import annotations

import difflib
import json

import msgspec

from sfc.core.types import Json


class StateChanges(msgspec.Struct, frozen=True):
    """Top-level states added, removed and changed from one version to another."""

    added: list[str]
    removed: list[str]
    changed: list[str]


def pretty(definition: Json) -> str:
    """A definition as indented JSON, keys in the order the author wrote them."""
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def unified_diff(old: Json, new: Json, old_label: str, new_label: str) -> str:
    """A unified diff of two definitions pretty-printed (empty when they are equal)."""
    lines = difflib.unified_diff(
        pretty(old).splitlines(keepends=True),
        pretty(new).splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(lines)


def state_changes(old: Json, new: Json) -> StateChanges:
    """Which top-level states were added, removed or changed (each list sorted)."""
    before, after = _states(old), _states(new)
    return StateChanges(
        added=sorted(after.keys() - before.keys()),
        removed=sorted(before.keys() - after.keys()),
        changed=sorted(
            name for name in before.keys() & after.keys() if before[name] != after[name]
        ),
    )


def _states(definition: Json) -> dict[str, Json]:
    states = definition.get("States") if isinstance(definition, dict) else None
    return states if isinstance(states, dict) else {}
