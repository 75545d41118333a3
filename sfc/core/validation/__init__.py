"""Blueprint validation: structure (JSON Schema) and meaning (graph, paths, expressions).

:func:`validate` checks a decoded blueprint and :func:`validate_text` its JSON text; both
report every problem they find, each with a JSON pointer, a stable code and a sentence.
"""

from __future__ import annotations

from sfc.core.types import Json
from sfc.core.validation import text as _text
from sfc.core.validation.expressions import check_expressions
from sfc.core.validation.fields import check_fields
from sfc.core.validation.graph import check_graph
from sfc.core.validation.problems import InvalidBlueprintError, Problem
from sfc.core.validation.resources import check_resources
from sfc.core.validation.structure import outline
from sfc.core.validation.variables import check_variables

__all__ = ["InvalidBlueprintError", "Problem", "validate", "validate_text"]


def validate(definition: Json) -> list[Problem]:
    """Check a blueprint: Amazon States Language plus SFC's extensions.

    Args:
        definition: The decoded blueprint JSON.

    Returns:
        Every problem found, grouped by kind of check; an empty list means the
        blueprint is valid.
    """
    shape, problems = outline(definition)
    problems += check_graph(shape)
    problems += check_fields(shape)
    problems += check_variables(shape)
    problems += check_resources(shape)
    problems += check_expressions(shape, definition)
    return _unique(problems)


def validate_text(text: str) -> list[Problem]:
    """Parse a blueprint's JSON text and check it.

    Args:
        text: The blueprint as JSON text.

    Returns:
        A single ``json-syntax`` problem when the text is not JSON; otherwise one
        ``duplicate-key`` problem per repeated key, followed by what :func:`validate`
        finds in the decoded blueprint.
    """
    definition, problems = _text.parse(text)
    if problems and problems[0].code == "json-syntax":
        return problems
    return problems + validate(definition)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    unique: list[Problem] = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return unique
