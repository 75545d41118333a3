"""The JSON Schema of the language (``schema.json``), compiled once, applied field by field.

fastjsonschema stops at the first error of a validation, so validating a whole blueprint
in one call would report one problem. Instead the schema is compiled once into a
*dispatcher*: an object schema with one property per *piece* (a definition, or one field
of a definition), each a ``$ref`` into the language's definitions. Validating
``{piece: value}`` then checks ``value`` against that piece alone, so the walker in
:mod:`sfc.core.validation.structure` can check every field and report every problem.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any, Final

import fastjsonschema

from sfc.core.pointer import child
from sfc.core.types import Json
from sfc.core.validation.problems import Problem

SEPARATOR: Final = ":"
"""Joins a definition and a field into a piece name; never in a definition or field name."""

_PREFIX: Final = "#/definitions/"

Validator = Callable[[Json], Json]


@functools.cache
def language() -> Mapping[str, Any]:
    """The schema document as written in ``schema.json``."""
    text = resources.files("sfc.core.validation").joinpath("schema.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def definition(name: str) -> Mapping[str, Any]:
    """One definition of the schema, such as ``"Task"`` or ``"retrier"``."""
    found: Mapping[str, Any] = language()["definitions"][name]
    return found


def ref_target(schema: Mapping[str, Any]) -> str | None:
    """The definition a ``{"$ref": "#/definitions/X"}`` schema names, else None."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_PREFIX):
        return ref[len(_PREFIX) :]
    return None


def shallow(name: str, field: str) -> str:
    """The piece that checks an array field without its items (checked one by one)."""
    return f"{name}{SEPARATOR}{field}{SEPARATOR}shallow"


def shallow_definition(name: str) -> str:
    """The piece that checks an array definition without its items."""
    return f"{name}{SEPARATOR}shallow"


def field_piece(name: str, field: str) -> str:
    """The piece that checks one field of a definition."""
    return f"{name}{SEPARATOR}{field}"


@functools.cache
def _dispatcher() -> Validator:
    document = language()
    pieces: dict[str, Any] = {}
    for name, body in document["definitions"].items():
        pieces[name] = {"$ref": _PREFIX + name}
        if "items" in body:
            pieces[shallow_definition(name)] = {k: v for k, v in body.items() if k != "items"}
        for field, schema in body.get("properties", {}).items():
            pieces[field_piece(name, field)] = {"$ref": f"{_PREFIX}{name}/properties/{field}"}
            if isinstance(schema, dict) and "items" in schema:
                pieces[shallow(name, field)] = {k: v for k, v in schema.items() if k != "items"}
    dispatcher = {
        "$schema": document["$schema"],
        "definitions": document["definitions"],
        "type": "object",
        "properties": pieces,
    }
    compiled: Validator = fastjsonschema.compile(dispatcher)
    return compiled


def check(piece: str, value: Json, pointer: str, label: str) -> Problem | None:
    """Check ``value`` against one piece of the schema.

    Args:
        piece: A definition name, or a name made by :func:`field_piece` or :func:`shallow`.
        value: The value as written in the blueprint.
        pointer: Its JSON pointer.
        label: How the message names the value, such as ``"TimeoutSeconds"``.

    Returns:
        The first problem found, or None when the value fits.
    """
    try:
        _dispatcher()({piece: value})
    except fastjsonschema.JsonSchemaValueException as exc:
        return _problem(exc, piece, value, pointer, label)
    return None


def _problem(
    exc: fastjsonschema.JsonSchemaValueException, piece: str, value: Json, pointer: str, label: str
) -> Problem:
    # exc.path is exc.name split on '.', so it is only a hint: keep the steps that exist.
    steps = [str(step) for step in (exc.path or [])[2:]]
    where, node, shown = pointer, value, label
    for step in steps:
        if isinstance(node, dict) and step in node:
            where, node, shown = child(where, step), node[step], f"{shown}.{step}"
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            where, node, shown = child(where, int(step)), node[int(step)], f"{shown}[{step}]"
        else:
            break
    prefix = f"data.{piece}"
    name = exc.name or ""
    detail = exc.message[len(name) :].strip() if name and exc.message.startswith(name) else ""
    definition_ = exc.definition if isinstance(exc.definition, dict) else {}
    description = definition_.get("description")
    if exc.rule in ("anyOf", "oneOf", "pattern", "minLength", "type") and description:
        detail = f"must be {description}"
    if not detail:
        detail = exc.message.replace(prefix, label, 1)
    return Problem(pointer=where, code="schema", message=f"{shown} {detail}, not {_show(node)}.")


def _show(value: Json) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
