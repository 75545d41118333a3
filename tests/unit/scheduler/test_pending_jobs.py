"""The engine's count of pending jobs per pool, followed decision by decision."""

from __future__ import annotations

from typing import Any

from sfc.core import (
    Context,
    Decision,
    FlowState,
    ScheduleJob,
    StartFlow,
    TaskSucceeded,
    Terminate,
    decide,
    load_blueprint,
)
from sfc.engine.load import PendingJobs
from sfc.engine.partition import Partition
from sfc.kafka import Topics
from sfc.registry import Catalog

TOPICS = Topics("sfc", 4)


def two_steps(**extra: Any) -> dict[str, Any]:
    return {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "task:work.a", "Next": "B"},
            "B": {"Type": "Task", "Resource": "task:work.b", "End": True},
        },
        **extra,
    }


class Flow:
    """Drives one flow through ``decide`` and shows each decision to a counter."""

    def __init__(self, jobs: PendingJobs, definition: dict[str, Any], flow_id: str) -> None:
        self.jobs = jobs
        self.blueprint = load_blueprint(definition, "bp", 1)
        self.id = flow_id
        self.state: FlowState | None = None
        self.serial = 0

    def send(self, event: Any) -> Decision:
        self.serial += 1
        decision = decide(
            self.state, event, Context(1000.0 + self.serial, self.blueprint, event.id)
        )
        self.jobs.observe(0, self.state, decision)
        self.state = decision.flow
        return decision

    def start(self) -> str:
        return _token(self.send(StartFlow(f"{self.id}-start", self.id, "bp", {})))

    def finish(self, token: str) -> Decision:
        return self.send(TaskSucceeded(f"{self.id}-{token}", self.id, token, {}))


def _token(decision: Decision) -> str:
    [job] = [c.job for c in decision.commands if isinstance(c, ScheduleJob)]
    return job.token


def test_jobs_count_from_dispatch_to_result() -> None:
    jobs = PendingJobs(TOPICS)
    one, two = Flow(jobs, two_steps(), "f1"), Flow(jobs, two_steps(), "f2")
    first = one.start()
    two.start()
    assert jobs.counts()["common"].pending == 2
    second = _token(one.finish(first))
    assert jobs.counts()["common"].pending == 2, "A done, B dispatched"
    one.finish(second)
    assert jobs.counts()["common"].pending == 1
    oldest = jobs.counts()["common"].oldest
    assert oldest is not None


def test_specific_blueprints_count_for_their_own_pool_and_others_for_none() -> None:
    jobs = PendingJobs(TOPICS)
    Flow(jobs, two_steps(messageType="specific"), "f1").start()
    http = {
        "StartAt": "C",
        "States": {"C": {"Type": "Task", "Resource": "https://x/y", "End": True}},
    }
    Flow(jobs, http, "f2").send(StartFlow("s2", "f2", "bp", {}))
    assert {pool: c.pending for pool, c in jobs.counts().items()} == {"bp": 1}


def test_a_terminated_flow_owes_nothing_and_a_released_partition_counts_no_more() -> None:
    jobs = PendingJobs(TOPICS)
    flow = Flow(jobs, two_steps(), "f1")
    flow.start()
    flow.send(Terminate("stop", "f1"))
    assert jobs.counts() == {}
    Flow(jobs, two_steps(), "f2").start()
    assert jobs.counts()["common"].pending == 1
    jobs.release(0)
    assert jobs.counts() == {}


def test_a_restored_partition_is_counted_from_its_flows() -> None:
    counting = PendingJobs(TOPICS)
    flows = [Flow(counting, two_steps(), f"f{i}") for i in range(3)]
    for flow in flows:
        flow.start()
    partition = Partition(2, 1, 10)
    for flow in flows:
        assert flow.state is not None
        partition.put(flow.state)
    restored = PendingJobs(TOPICS)
    restored.restore(partition, Catalog())
    count = restored.counts()["common"]
    assert count.pending == 3
    assert count.oldest is not None
    assert count.oldest <= 1001.0, "the time the thread entered the state"
