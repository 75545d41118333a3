"""Blueprint validation: structure (JSON Schema) and meaning (graph, paths, expressions)."""

from sfc.core.validation.problems import InvalidBlueprintError, Problem

__all__ = ["InvalidBlueprintError", "Problem"]
