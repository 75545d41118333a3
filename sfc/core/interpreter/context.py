"""What :func:`decide` is told about the world outside the flow."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from sfc.core.blueprint import Blueprint
from sfc.core.interpreter.commands import Command
from sfc.core.interpreter.records import FlowState


class Context(msgspec.Struct, frozen=True):
    """The inputs of a decision besides the flow and the event.

    Attributes:
        now: The current time, seconds since the Unix epoch.
        blueprint: The compiled blueprint version the flow runs (for a StartFlow or a
            Restart on the latest version: the version to use).
        entropy: Seeds every random choice (UUIDs, ``MathRandom``, retry jitter); the
            same entropy gives the same decision. Adapters pass the message id.
    """

    now: float
    blueprint: Blueprint
    entropy: str = ""


class Decision(msgspec.Struct, frozen=True):
    """The result of applying one event to one flow.

    Attributes:
        flow: The flow's new state (None when the event was for no known flow).
        commands: What the adapter must do, in order.
        note: Why nothing happened, when the event was ignored (a redelivery, an
            unknown job token, a control message that does not apply).
    """

    flow: FlowState | None
    commands: Sequence[Command] = ()
    note: str | None = None
