"""Which payload templates read their scope (so the interpreter may skip building one)."""

from __future__ import annotations

import pytest

from sfc.core.payload import reads_scope
from sfc.core.types import Json


@pytest.mark.parametrize(
    "template",
    [
        {"a.$": "$.x", "b": 1},
        {"nested": {"a.$": "$['x'][0]"}},
        [{"a.$": "$"}],
        {"plain": "$$.Execution.Id"},
        "literal",
    ],
)
def test_templates_reading_only_their_data_do_not_read_the_scope(template: Json) -> None:
    assert reads_scope(template) is False


@pytest.mark.parametrize(
    "template",
    [
        {"id.$": "$$.Execution.Id"},
        {"v.$": "$counter"},
        {"v.$": "$counter.total"},
        {"u.$": "States.UUID()"},
        {"n": [{"deep.$": "States.MathRandom(1, 9)"}]},
    ],
)
def test_templates_reading_variables_context_or_intrinsics_read_the_scope(template: Json) -> None:
    assert reads_scope(template) is True
