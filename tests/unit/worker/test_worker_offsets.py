"""Offset tracking: commit only below the oldest job not yet reported."""

from __future__ import annotations

import random

from sfc.worker.offsets import OffsetTracker

P = "jobs/0"
Q = "jobs/1"


def test_nothing_is_committable_before_anything_is_taken() -> None:
    assert OffsetTracker[str]().committable() == {}


def test_the_position_stays_at_the_oldest_unfinished_job() -> None:
    tracker = OffsetTracker[str]()
    for offset in (5, 6, 7):
        assert tracker.take(P, offset)
    tracker.finish(P, 6)
    tracker.finish(P, 7)
    assert tracker.committable() == {P: 5}
    assert tracker.unfinished(P) == 1
    tracker.finish(P, 5)
    assert tracker.committable() == {P: 8}
    assert tracker.unfinished(P) == 0


def test_a_committed_position_is_not_offered_again() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 0)
    tracker.finish(P, 0)
    assert tracker.committable() == {P: 1}
    tracker.committed({P: 1})
    assert tracker.committable() == {}
    tracker.take(P, 1)
    assert tracker.committable() == {}
    tracker.finish(P, 1)
    assert tracker.committable() == {P: 2}


def test_partitions_are_independent() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 0)
    tracker.take(Q, 10)
    tracker.take(Q, 11)
    tracker.finish(Q, 10)
    assert tracker.committable() == {P: 0, Q: 11}
    assert tracker.committable([Q]) == {Q: 11}


def test_gaps_between_offsets_are_skipped_over() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 3)
    tracker.take(P, 9)
    tracker.finish(P, 9)
    tracker.finish(P, 3)
    assert tracker.committable() == {P: 10}


def test_a_job_taken_again_is_recognised() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 0)
    tracker.take(P, 1)
    tracker.finish(P, 0)
    assert not tracker.take(P, 0), "finished (position moved past it)"
    assert not tracker.take(P, 1), "still running"
    assert tracker.take(P, 2)


def test_a_returning_partition_keeps_what_this_consumer_took() -> None:
    tracker = OffsetTracker[str]()
    for offset in range(4):
        tracker.take(P, offset)
    tracker.finish(P, 0)
    tracker.finish(P, 2)
    # Revoked before committing anything, and given back: the group's commit is None.
    tracker.assigned(P, None)
    assert [tracker.take(P, offset) for offset in range(5)] == [False] * 4 + [True]
    assert tracker.committable() == {P: 1}


def test_a_commit_by_another_consumer_drops_what_lies_below_it() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 0)
    tracker.take(P, 1)
    tracker.finish(P, 1)
    tracker.assigned(P, 5)
    assert tracker.committable() == {}
    assert tracker.unfinished(P) == 0
    tracker.finish(P, 0)  # a job still running from before: ignored
    assert tracker.take(P, 5)
    tracker.finish(P, 5)
    assert tracker.committable() == {P: 6}


def test_a_lower_group_commit_is_raised_to_what_this_consumer_finished() -> None:
    tracker = OffsetTracker[str]()
    for offset in range(3):
        tracker.take(P, offset)
        tracker.finish(P, offset)
    tracker.committed({P: 3})
    tracker.assigned(P, 1)  # the commit of 3 was lost to a rebalance
    assert tracker.committable() == {P: 3}


def test_a_new_partition_starts_at_the_group_commit() -> None:
    tracker = OffsetTracker[str]()
    tracker.assigned(P, 7)
    assert not tracker.take(P, 6)
    assert tracker.take(P, 7)
    assert tracker.committable() == {}


def test_partitions_given_to_others_are_forgotten() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 0)
    tracker.take(Q, 0)
    tracker.keep_only([Q])
    tracker.finish(P, 0)
    assert tracker.committable() == {Q: 0}
    assert tracker.take(P, 0), "a forgotten partition starts afresh"


def test_random_completion_orders_commit_exactly_the_contiguous_prefix() -> None:
    rng = random.Random(7)
    for _ in range(200):
        tracker = OffsetTracker[str]()
        offsets = sorted(rng.sample(range(100), rng.randint(1, 30)))
        for offset in offsets:
            tracker.take(P, offset)
        finished: set[int] = set()
        for offset in rng.sample(offsets, len(offsets)):
            tracker.finish(P, offset)
            finished.add(offset)
            unfinished = [o for o in offsets if o not in finished]
            expected = unfinished[0] if unfinished else offsets[-1] + 1
            assert tracker.committable().get(P, offsets[0]) == expected


def test_a_lost_group_commit_starts_the_partition_afresh() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 4)
    tracker.finish(P, 4)
    tracker.committed({P: 5})
    tracker.assigned(P, None)  # e.g. the topic was recreated
    assert tracker.take(P, 0)
    assert tracker.committable() == {P: 0}


def test_finished_jobs_above_another_consumers_commit_still_count() -> None:
    tracker = OffsetTracker[str]()
    for offset in (3, 4, 5):
        tracker.take(P, offset)
    tracker.finish(P, 4)
    tracker.finish(P, 5)
    tracker.assigned(P, 4)  # 3 was done elsewhere; 4 and 5 are done here
    assert tracker.committable() == {P: 6}


def test_a_job_of_a_forgotten_partition_does_not_finish_its_successor() -> None:
    tracker = OffsetTracker[str]()
    tracker.take(P, 8)
    tracker.keep_only([])
    tracker.assigned(P, 5)
    tracker.finish(P, 8)  # the old run of offset 8 ends after the partition came back
    for offset in (5, 6, 7, 8):
        assert tracker.take(P, offset)
    tracker.finish(P, 5)
    assert tracker.committable() == {P: 6}, "8 is open: the old run's finish did not count"
