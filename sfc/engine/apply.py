"""Turning decisions into partition updates and records to produce (no I/O here)."""

from __future__ import annotations

import logging

from sfc.core import (
    CompleteFlow,
    Decision,
    EmitEvent,
    FlowState,
    HistoryEvent,
    ScheduleJob,
    StartTimer,
    Subscribe,
    Unsubscribe,
)
from sfc.core.interpreter.commands import CancelJob, Job
from sfc.engine.outbox import Outbox, Record
from sfc.engine.partition import Partition
from sfc.engine.restore import STATE_TYPE
from sfc.engine.routing import is_service_job, job_topic
from sfc.kafka import Topics, make_headers
from sfc.kafka.records import (
    ENCODER,
    FlowOutcome,
    HistoryBatch,
    Subscribed,
    Unsubscribed,
    subscription_key,
)

log = logging.getLogger(__name__)


class Applier:
    """Applies decisions of one engine to its partitions and its outbox."""

    def __init__(self, topics: Topics) -> None:
        self.topics = topics

    def absorb(
        self, partition: Partition, before: FlowState | None, decision: Decision, outbox: Outbox
    ) -> None:
        """Record a decision: the flow's new state, its timers, and its outputs."""
        flow = decision.flow
        if decision.note:
            log.debug("%s", decision.note)
        if flow is None or (flow is before and not decision.commands):
            return
        partition.put(flow)
        outbox.snapshot(partition.number, flow)
        events: list[HistoryEvent] = []
        for command in decision.commands:
            if isinstance(command, EmitEvent):
                events.append(command.event)
            elif isinstance(command, ScheduleJob):
                outbox.add(self._job(command.job))
            elif isinstance(command, StartTimer):
                partition.schedule(flow.id, command.timer, command.due)
            elif isinstance(command, CompleteFlow):
                outbox.add(self._outcome(flow, command))
            elif isinstance(command, CancelJob):
                log.debug("job %s of flow %s is no longer wanted", command.token, flow.id)
            elif isinstance(command, Subscribe | Unsubscribe):
                outbox.add(self._subscription(flow, command))
        if events:
            outbox.add(self._history(flow, events))

    def snapshot_record(self, partition: Partition, flow: FlowState) -> Record:
        """The state record of a flow, stamped with the owner's epoch."""
        return Record(
            self.topics.state,
            ENCODER.encode(flow),
            key=flow.id.encode(),
            headers=make_headers(
                STATE_TYPE, f"{flow.id}:{flow.seq}", flow=flow.id, sfc_epoch=str(partition.epoch)
            ),
            partition=partition.number,
        )

    def _job(self, job: Job) -> Record:
        if is_service_job(job):
            return self._service_job(job)
        return Record(
            job_topic(self.topics, job),
            ENCODER.encode(job),
            key=job.token.encode(),
            headers=make_headers(
                "Job",
                job.token,
                flow=job.flow_id,
                blueprint=job.blueprint,
                sfc_reply_to=self.topics.commands,
                sfc_token=job.token,
            ),
        )

    def _service_job(self, job: Job) -> Record:
        # A plain Kafka service gets the input alone; the correlation travels in headers,
        # and the key is the token so that a service may reply keyed by it.
        return Record(
            job_topic(self.topics, job),
            ENCODER.encode(job.input),
            key=job.token.encode(),
            headers=make_headers(
                "Job",
                job.token,
                flow=job.flow_id,
                blueprint=job.blueprint,
                sfc_token=job.token,
                sfc_reply_to=job.reply_topic or self.topics.commands,
                sfc_state=job.state,
                sfc_attempt=str(job.attempt),
            ),
        )

    def _subscription(self, flow: FlowState, command: Subscribe | Unsubscribe) -> Record:
        change: Subscribed | Unsubscribed
        if isinstance(command, Subscribe):
            change = Subscribed(flow.id, command.name, command.key, command.source)
        else:
            change = Unsubscribed(flow.id, command.name, command.key)
        kind = type(change).__name__
        return Record(
            self.topics.subscriptions,
            ENCODER.encode(change),
            key=subscription_key(flow.id, command.name, command.key),
            headers=make_headers(kind, f"{flow.id}:{flow.seq}:{kind}:{command.name}", flow=flow.id),
        )

    def _history(self, flow: FlowState, events: list[HistoryEvent]) -> Record:
        batch = HistoryBatch(
            flow.id, flow.blueprint, flow.version, events, flow.correlation_id, flow.run
        )
        return Record(
            self.topics.events,
            ENCODER.encode(batch),
            key=flow.id.encode(),
            headers=make_headers(
                "HistoryBatch", f"{flow.id}:{events[0].seq}", flow=flow.id, blueprint=flow.blueprint
            ),
        )

    def _outcome(self, flow: FlowState, end: CompleteFlow) -> Record:
        outcome = FlowOutcome(
            flow.id,
            flow.blueprint,
            flow.version,
            end.status.value,
            end.output,
            end.error,
            end.cause,
            flow.ended_at,
        )
        return Record(
            self.topics.outcomes,
            ENCODER.encode(outcome),
            key=flow.id.encode(),
            headers=make_headers("FlowOutcome", f"{flow.id}:{flow.seq}", flow=flow.id),
        )
