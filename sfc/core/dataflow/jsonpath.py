"""The JSONPath pipeline: InputPath, Parameters, ResultSelector, ResultPath, OutputPath."""

from __future__ import annotations

from typing import Final

from sfc.core.dataflow import Assigned
from sfc.core.paths import Path, ReferencePath
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json

DISCARD: Final = "DISCARD"
"""A path field set to JSON ``null``: InputPath and OutputPath give ``{}``, ResultPath
keeps the raw input and drops the result."""


class JsonPathFlow:
    """A state's JSONPath processing; a field left as None is the identity (``$``).

    In ``Assign``, ``$`` is the state's result before ResultSelector, as in AWS.
    ``templates_read_scope`` says whether its templates read the scope (see
    :func:`sfc.core.payload.reads_scope`).
    """

    __slots__ = (
        "assign",
        "input_path",
        "output_path",
        "parameters",
        "reads_scope",
        "result_path",
        "result_selector",
    )

    def __init__(
        self,
        *,
        input_path: Path | str | None = None,
        parameters: Evaluator | None = None,
        result_selector: Evaluator | None = None,
        result_path: ReferencePath | str | None = None,
        output_path: Path | str | None = None,
        assign: Evaluator | None = None,
        templates_read_scope: bool = True,
    ) -> None:
        self.input_path = input_path
        self.parameters = parameters
        self.result_selector = result_selector
        self.result_path = result_path
        self.output_path = output_path
        self.assign = assign
        templates = bool(parameters or result_selector or assign) and templates_read_scope
        paths = (input_path, output_path)
        self.reads_scope = templates or any(isinstance(p, Path) and p.root != "$" for p in paths)

    def effective_input(self, raw: Json, scope: Scope) -> Json:
        """Apply InputPath, then Parameters."""
        data = _select(self.input_path, raw, scope)
        parameters = self.parameters
        return data if parameters is None else parameters(data, scope)

    def finish(self, raw: Json, result: Json, scope: Scope) -> tuple[Json, Assigned]:
        """Apply Assign, ResultSelector, ResultPath and OutputPath."""
        assigned = None if self.assign is None else self.assign(result, scope)
        if self.result_selector is not None:
            result = self.result_selector(result, scope)
        result_path = self.result_path
        if result_path is None:
            merged = result
        elif isinstance(result_path, ReferencePath):
            merged = result_path.assign(raw, result)
        else:
            merged = raw
        return _select(self.output_path, merged, scope), assigned


def _select(path: Path | str | None, data: Json, scope: Scope) -> Json:
    if path is None:
        return data
    if isinstance(path, Path):
        return path.select(data, scope)
    return {}
