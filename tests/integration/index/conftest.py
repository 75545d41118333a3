"""Fixtures for the index tests: each test's exporters form a consumer group of their own.

The bundled broker takes about half a session timeout to let a consumer join a group,
and longer when one rejoins it, so these groups use short sessions: the exporter does
not block its event loop, so its heartbeats stay on time.
"""

from __future__ import annotations

import pytest

from sfc.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings, with a short session timeout."""
    kafka = settings.kafka.model_copy(update={"session_timeout_ms": 1500})
    return settings.model_copy(update={"kafka": kafka})
