"""Fixtures for bridge tests: one bench (engine + bridge) per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bridge_support import Bench, bench_settings

from sfc.broker import EmbeddedBroker


@pytest.fixture(scope="module")
def bridge_options() -> dict[str, Any]:
    """Bridge settings a module wants (override in the module)."""
    return {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bench(broker: EmbeddedBroker, bridge_options: dict[str, Any]) -> AsyncIterator[Bench]:
    """An engine and a bridge on this module's own topics."""
    started = Bench(bench_settings(broker.bootstrap_servers, **bridge_options))
    await started.start()
    yield started
    await started.stop()
