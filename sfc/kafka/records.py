"""Records SFC writes to its topics, besides flow inputs (:mod:`sfc.core.interpreter.inputs`)."""

from __future__ import annotations

import msgspec

from sfc.core.interpreter.commands import HistoryEvent
from sfc.core.interpreter.inputs import Event
from sfc.core.types import Json


class HistoryBatch(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """The history events one decision added to a flow (a record of ``sfc.events``)."""

    flow_id: str
    blueprint: str
    version: int
    events: list[HistoryEvent]
    correlation_id: str | None = None
    run: int = 0


class FlowOutcome(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """How a flow ended (a record of ``sfc.outcomes``)."""

    flow_id: str
    blueprint: str
    version: int
    status: str
    output: Json = None
    error: str | None = None
    cause: str | None = None
    ended_at: float | None = None


class Fence(msgspec.Struct, frozen=True):
    """Written by an engine to a ``sfc.state`` partition it takes over (see the engine)."""

    engine: str
    nonce: str


class _BlueprintControl(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    id: str
    blueprint: str


class PauseBlueprint(_BlueprintControl, frozen=True):
    """Pause every running flow of a blueprint (sent to every ``sfc.commands`` partition)."""


class ResumeBlueprint(_BlueprintControl, frozen=True):
    """Resume every paused flow of a blueprint (sent to every ``sfc.commands`` partition)."""


Command = Event | PauseBlueprint | ResumeBlueprint
"""Anything on ``sfc.commands``."""

COMMAND_DECODER = msgspec.json.Decoder(Command)
ENCODER = msgspec.json.Encoder()
