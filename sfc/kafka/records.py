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


class Subscribed(msgspec.Struct, frozen=True, tag=True, rename="camel", omit_defaults=True):
    """A flow waits for Join events with this name and key (a record of ``sfc.subscriptions``).

    Attributes:
        flow_id: The waiting flow.
        name: The event's name in the Join.
        key: The correlation key the flow expects.
        source: Where the events come from (``kafka://<topic>``), if the Join says.
    """

    flow_id: str
    name: str
    key: str
    source: str | None = None


class Unsubscribed(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    """The flow no longer waits for these events (received, timed out, or flow ended)."""

    flow_id: str
    name: str
    key: str


Subscription = Subscribed | Unsubscribed
"""Anything on ``sfc.subscriptions``."""

SUBSCRIPTION_DECODER = msgspec.json.Decoder(Subscription)


def subscription_key(flow_id: str, name: str, key: str) -> bytes:
    """The record key of a subscription change: one key per flow, event name and key.

    The flow is part of the key so that, where the topic is compacted, the latest change
    of each flow's subscription survives, not only the latest flow's.
    """
    return msgspec.json.encode([name, key, flow_id])


COMMAND_DECODER = msgspec.json.Decoder(Command)
ENCODER = msgspec.json.Encoder()
