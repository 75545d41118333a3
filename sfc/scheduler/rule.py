"""The scaling rule: how many workers a pool should have. Pure: no I/O, no clock.

- **Demand**: ``ceil(pending / target_pending)`` workers, within ``[min, max]``.
- **Age**: when ``max_age_seconds`` is set and the oldest pending job is older, one
  worker more than now (at most one step per ``cooldown_seconds``): the workers are not
  keeping up although the count looks small (long jobs).
- **Up at once**: a demand above the current size is met at the next decision.
- **Down slowly**: the pool shrinks to the highest demand of the last
  ``cooldown_seconds`` (a sliding window, as Kubernetes' HPA stabilises scale-downs), so
  a dip in demand never drains workers that are needed again a moment later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Demand:
    """What a pool is asked for.

    Attributes:
        pending: Jobs dispatched and not yet finished.
        oldest_age: Seconds the oldest of them has been pending.
    """

    pending: int
    oldest_age: float = 0.0


@dataclass(frozen=True)
class Sizing:
    """A pool's sizing settings (see :class:`~sfc.scheduler.records.PoolConfig`)."""

    min_replicas: int
    max_replicas: int
    target_pending: int
    cooldown_seconds: float
    max_age_seconds: float | None = None


@dataclass(frozen=True)
class Scale:
    """A pool's size and what the rule remembers to decide the next one.

    Attributes:
        replicas: Workers the pool should have.
        changed_at: When ``replicas`` last changed.
        window: ``(time, demand)`` pairs of the last cooldown, kept as a sliding-window
            maximum: times increase and demands decrease, so the first is the highest.
    """

    replicas: int
    changed_at: float = 0.0
    window: tuple[tuple[float, int], ...] = ()


def wanted(demand: Demand, sizing: Sizing) -> int:
    """Workers the pending jobs call for, within the pool's bounds."""
    workers = math.ceil(demand.pending / sizing.target_pending) if demand.pending > 0 else 0
    return _within(workers, sizing)


def scale(state: Scale, demand: Demand, sizing: Sizing, now: float) -> Scale:
    """The pool's next size.

    Args:
        state: The size decided last (``Scale(0)`` for a pool never sized).
        demand: Pending jobs and the oldest one's age, now.
        sizing: The pool's bounds, target per worker, cooldown and age limit.
        now: The time (any monotonic clock, in seconds).

    Returns:
        The new size, with what the next decision needs.
    """
    want = wanted(demand, sizing)
    if _too_old(state, demand, sizing, now):
        want = _within(max(want, state.replicas + 1), sizing)
    window = _slide(state.window, now, want, sizing.cooldown_seconds)
    if want > state.replicas:
        return Scale(want, now, window)
    peak = _within(window[0][1], sizing)
    if peak < state.replicas:
        return Scale(peak, now, window)
    return Scale(state.replicas, state.changed_at, window)


def _too_old(state: Scale, demand: Demand, sizing: Sizing, now: float) -> bool:
    limit = sizing.max_age_seconds
    return (
        limit is not None
        and demand.pending > 0
        and demand.oldest_age > limit
        and now - state.changed_at >= sizing.cooldown_seconds
    )


def _slide(
    window: tuple[tuple[float, int], ...], now: float, want: int, cooldown: float
) -> tuple[tuple[float, int], ...]:
    # A demand no higher than a later one can never be the window's maximum again.
    kept = [(at, value) for at, value in window if at > now - cooldown and value > want]
    return (*kept, (now, want))


def _within(workers: int, sizing: Sizing) -> int:
    return max(sizing.min_replicas, min(sizing.max_replicas, workers))
