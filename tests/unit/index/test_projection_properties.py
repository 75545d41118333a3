"""Properties of the projection: batches may be split, merged and redelivered at will."""

from __future__ import annotations

import itertools

import msgspec
from histories import HISTORIES, SCENARIOS, Folded, Recorder, fold
from hypothesis import given, settings
from hypothesis import strategies as st

from sfc.core.interpreter.commands import HistoryEvent
from sfc.kafka.records import HistoryBatch


def regroup(recorder: Recorder, cuts: list[int]) -> list[HistoryBatch]:
    """The history cut anywhere; each piece carries the fields of its last event's batch."""
    owner: dict[int, HistoryBatch] = {e.seq: b for b in recorder.batches for e in b.events}
    events: list[HistoryEvent] = recorder.events
    bounds = [0, *sorted({c % len(events) for c in cuts}), len(events)]
    return [
        msgspec.structs.replace(owner[events[end - 1].seq], events=events[start:end])
        for start, end in itertools.pairwise(bounds)
        if end > start
    ]


def same(left: Folded, right: Folded) -> bool:
    return (left.flow, left.paused, left.ordered_steps()) == (
        right.flow,
        right.paused,
        right.ordered_steps(),
    )


names = st.sampled_from(sorted(SCENARIOS))


def test_every_scenario_ends_where_its_story_says() -> None:
    ended = {name: fold(r.batches).flow for name, r in HISTORIES.items()}
    assert {name: flow.status for name, flow in ended.items() if flow is not None} == {
        "parallel_failed_retried_and_done": "SUCCEEDED",
        "map_with_a_retried_iteration": "SUCCEEDED",
        "caught_then_paused_and_resumed": "SUCCEEDED",
        "paused_failed_retried": "PAUSED",
        "restarted_on_a_new_version_then_terminated": "ABORTED",
        "timed_out": "TIMED_OUT",
    }


@settings(max_examples=150, deadline=None)
@given(name=names, cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=12))
def test_any_split_into_batches_gives_the_same_records(name: str, cuts: list[int]) -> None:
    recorder = HISTORIES[name]
    assert same(fold(regroup(recorder, cuts)), fold(recorder.batches))


@settings(max_examples=150, deadline=None)
@given(name=names, data=st.data())
def test_redelivering_any_earlier_batch_changes_nothing(name: str, data: st.DataObject) -> None:
    batches = HISTORIES[name].batches
    held = Folded()
    for index, batch in enumerate(batches):
        held = fold([batch], held)
        again = data.draw(st.lists(st.integers(0, index), max_size=3))
        after = Folded(held.flow, held.paused, dict(held.steps))
        held = fold([batches[i] for i in again], held)
        assert same(held, after)
    assert same(held, fold(batches))


@settings(max_examples=50, deadline=None)
@given(name=names)
def test_applying_a_batch_twice_is_applying_it_once(name: str) -> None:
    batches = HISTORIES[name].batches
    doubled = [b for batch in batches for b in (batch, batch)]
    assert same(fold(doubled), fold(batches))
