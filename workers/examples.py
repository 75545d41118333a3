"""Handlers for the example blueprints in ``blueprints/``, served by ``sfc dev``'s worker."""

from __future__ import annotations

from typing import Any

from sfc.worker import Handlers, TaskError

worker = Handlers()

_PEOPLE = {"ada": "Ada Lovelace", "alan": "Alan Turing", "grace": "Grace Hopper"}


@worker.task("hello.lookup")
def look_up(data: dict[str, Any]) -> dict[str, Any]:
    """Find a person's full name; unknown people fail with ``Hello.UnknownPerson``."""
    key = str(data.get("name", "")).lower()
    if key not in _PEOPLE:
        raise TaskError("Hello.UnknownPerson", f"nobody called {data.get('name')!r}")
    return {"fullName": _PEOPLE[key]}


@worker.task("hello.greet")
def greet(data: dict[str, Any]) -> dict[str, Any]:
    """Write the greeting."""
    return {"greeting": f"Hello, {data['person']['fullName']}!"}
