"""The scaling rule: a pure function of pending jobs, their age, the current size, the
bounds, the target per worker and the cooldown."""

from __future__ import annotations

from sfc.scheduler.rule import Demand, Scale, Sizing, scale, wanted

SIZING = Sizing(min_replicas=1, max_replicas=4, target_pending=50, cooldown_seconds=3.0)


def run(
    steps: list[tuple[float, int]], sizing: Sizing = SIZING, start: int = 1, age: float = 0.0
) -> list[int]:
    """The sizes decided at each ``(time, pending)`` step, from ``start`` workers."""
    state = Scale(start)
    sizes = []
    for now, pending in steps:
        state = scale(state, Demand(pending, age), sizing, now)
        sizes.append(state.replicas)
    return sizes


def test_the_demand_is_pending_jobs_over_the_target_within_the_bounds() -> None:
    assert wanted(Demand(0), SIZING) == 1
    assert wanted(Demand(1), SIZING) == 1
    assert wanted(Demand(50), SIZING) == 1
    assert wanted(Demand(51), SIZING) == 2
    assert wanted(Demand(120), SIZING) == 3
    assert wanted(Demand(100_000), SIZING) == 4
    to_zero = Sizing(0, 4, 50, 3.0)
    assert wanted(Demand(0), to_zero) == 0
    assert wanted(Demand(1), to_zero) == 1


def test_a_burst_is_met_at_once() -> None:
    assert run([(0.0, 5_000)]) == [4]
    assert run([(0.0, 120)]) == [3]


def test_the_pool_shrinks_only_after_the_cooldown() -> None:
    sizes = run([(0.0, 5_000), (1.0, 0), (2.0, 0), (2.9, 0), (3.1, 0)])
    assert sizes == [4, 4, 4, 4, 1]


def test_it_shrinks_to_the_highest_demand_of_the_last_cooldown() -> None:
    steps = [(0.0, 200), (1.0, 150), (2.0, 10), (3.0, 10), (3.5, 10), (4.5, 10)]
    # At 3.0 the demand of 4 (at 0.0) leaves the window; 3 (at 1.0) leaves it at 4.0.
    assert run(steps) == [4, 4, 4, 3, 3, 1]


def test_a_dip_in_demand_drains_no_worker() -> None:
    steps = [(0.0, 200), (1.0, 0), (2.0, 0), (2.5, 200), (4.0, 0), (5.0, 200), (7.0, 200)]
    assert run(steps) == [4] * len(steps)


def test_without_cooldown_it_follows_the_demand_both_ways() -> None:
    sizing = Sizing(1, 4, 50, 0.0)
    assert run([(0.0, 200), (0.1, 60), (0.2, 0), (0.3, 200)], sizing) == [4, 2, 1, 4]


def test_old_jobs_add_one_worker_per_cooldown_up_to_the_max() -> None:
    sizing = Sizing(1, 3, 50, 3.0, max_age_seconds=10.0)
    steps = [(10.0, 5), (11.0, 5), (13.5, 5), (14.0, 5), (17.0, 5), (20.5, 5)]
    assert run(steps, sizing, age=20.0) == [2, 2, 3, 3, 3, 3]


def test_young_jobs_or_no_age_limit_leave_the_size_to_the_count() -> None:
    limited = Sizing(1, 3, 50, 3.0, max_age_seconds=10.0)
    assert run([(0.0, 5), (5.0, 5)], limited, age=5.0) == [1, 1]
    assert run([(0.0, 5), (5.0, 5)], SIZING, age=500.0) == [1, 1]
    assert run([(0.0, 0), (5.0, 0)], limited, age=500.0) == [1, 1], "no pending job, no age"


def test_new_bounds_apply_at_once() -> None:
    state = scale(Scale(1), Demand(5_000), SIZING, 0.0)
    assert state.replicas == 4
    lower = Sizing(1, 2, 50, 3.0)
    assert scale(state, Demand(5_000), lower, 0.5).replicas == 2
    higher_min = Sizing(3, 4, 50, 3.0)
    assert scale(Scale(1), Demand(0), higher_min, 0.0).replicas == 3


def test_the_window_keeps_only_what_can_still_be_its_maximum() -> None:
    state = Scale(1)
    for now, pending in [(0.0, 200), (1.0, 150), (2.0, 100), (2.5, 140)]:
        state = scale(state, Demand(pending), SIZING, now)
    assert state.window == ((0.0, 4), (2.5, 3))
    assert scale(state, Demand(200), SIZING, 2.6).window == ((2.6, 4),)
