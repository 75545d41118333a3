"""The flows of one ``sfc.commands`` partition, as the engine that owns it holds them."""

from __future__ import annotations

import heapq
from collections import OrderedDict
from dataclasses import dataclass, field

from sfc.core import FlowState, Status


@dataclass(order=True, frozen=True)
class DueTimer:
    """A timer in the engine's heap."""

    due: float
    flow_id: str = field(compare=False)
    timer: str = field(compare=False)


class Partition:
    """Running flows, recently ended flows and timers of one partition.

    Ended flows are kept (up to ``keep_ended``) so that a late redelivery of a command
    for them is recognised and ignored rather than taken for a new flow.
    """

    def __init__(self, number: int, epoch: int, keep_ended: int) -> None:
        self.number = number
        self.epoch = epoch
        self.running: dict[str, FlowState] = {}
        self.ended: OrderedDict[str, FlowState] = OrderedDict()
        self.timers: list[DueTimer] = []
        self._keep_ended = keep_ended

    def get(self, flow_id: str) -> FlowState | None:
        """A flow of this partition, running or recently ended."""
        return self.running.get(flow_id) or self.ended.get(flow_id)

    def put(self, flow: FlowState) -> None:
        """Store a flow's new state and schedule its new timers."""
        if flow.status is Status.RUNNING:
            self.ended.pop(flow.id, None)
            self.running[flow.id] = flow
            return
        self.running.pop(flow.id, None)
        self.ended[flow.id] = flow
        self.ended.move_to_end(flow.id)
        while len(self.ended) > self._keep_ended:
            self.ended.popitem(last=False)

    def schedule(self, flow_id: str, timer: str, due: float) -> None:
        """Remember a timer to fire."""
        heapq.heappush(self.timers, DueTimer(due, flow_id, timer))

    def next_due(self) -> float | None:
        """When the earliest timer is due."""
        return self.timers[0].due if self.timers else None

    def pop_due(self, now: float) -> list[DueTimer]:
        """The timers due by ``now`` that their flow still holds (cancelled ones drop out)."""
        due = []
        while self.timers and self.timers[0].due <= now:
            entry = heapq.heappop(self.timers)
            flow = self.running.get(entry.flow_id)
            if flow is not None and entry.timer in flow.timers:
                due.append(entry)
        return due

    def rebuild_timers(self) -> None:
        """Schedule the timers of every running flow (after a restore)."""
        self.timers = [
            DueTimer(timer.due, flow.id, timer_id)
            for flow in self.running.values()
            for timer_id, timer in flow.timers.items()
        ]
        heapq.heapify(self.timers)
