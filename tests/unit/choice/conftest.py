"""Helpers for the Choice rule tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfc.core.scope import Scope
from sfc.core.states.choice import compile_rule

Holds = Callable[..., bool]


@pytest.fixture
def holds() -> Holds:
    """Compile a JSONPath rule and evaluate it against ``data`` in one call."""

    def evaluate(rule: dict[str, Any], data: Any, scope: Scope | None = None) -> bool:
        return compile_rule(rule, "JSONPath", "/States/Pick/Choices/0")(data, scope or Scope())

    return evaluate
