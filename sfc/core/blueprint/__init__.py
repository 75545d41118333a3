"""Blueprints: an ASL definition validated and compiled into what the interpreter runs."""

from __future__ import annotations

from sfc.core.blueprint.compile import compile_blueprint
from sfc.core.blueprint.model import Blueprint, StateMachine, StateType
from sfc.core.blueprint.resources import Mode, Resource, ResourceKind, parse_resource
from sfc.core.types import Json
from sfc.core.validation import InvalidBlueprintError, validate

__all__ = [
    "Blueprint",
    "Mode",
    "Resource",
    "ResourceKind",
    "StateMachine",
    "StateType",
    "compile_blueprint",
    "load_blueprint",
    "parse_resource",
]


def load_blueprint(definition: Json, name: str = "", version: int = 1) -> Blueprint:
    """Validate a definition and compile it.

    Args:
        definition: The ASL JSON (already decoded).
        name: The blueprint's registry name.
        version: Its version.

    Raises:
        InvalidBlueprintError: The definition is invalid; its ``problems`` say where.
    """
    problems = validate(definition)
    if problems:
        raise InvalidBlueprintError(problems)
    return compile_blueprint(definition, name, version)
