"""The reply router: replies of ``kafka://`` services become task results on ``sfc.commands``.

It consumes every ``ReplyTopic`` deployed blueprints name. Each reply names its job by
the ``sfc-token`` header (or its record key); the token ``<flow id>:j<n>`` names the flow,
so the result goes to the right partition without any lookup. A reply for a flow that
ended, or a second reply to the same job, reaches the engine, which ignores it: a job
token is accepted once, while it is outstanding.
"""

from __future__ import annotations

import logging

from aiokafka import AIOKafkaProducer, ConsumerRecord

from sfc.bridge import metrics
from sfc.bridge.convention import reply_command, reply_token
from sfc.bridge.group import Batches, GroupLoop
from sfc.core import Event, TaskFailed
from sfc.settings import Settings

log = logging.getLogger(__name__)


class ReplyRouter(GroupLoop):
    """Turns replies into TaskSucceeded / TaskFailed (see :mod:`sfc.bridge.replies`)."""

    def __init__(self, settings: Settings, producer: AIOKafkaProducer) -> None:
        super().__init__(settings, producer, settings.bridge.reply_group, "reply router")

    async def handle(self, batches: Batches) -> None:
        """Send the batch's replies as commands, then commit them."""
        commands: list[Event] = []
        offsets = {}
        for tp, records in batches.items():
            for record in records:
                command = _command(record)
                if command is not None:
                    commands.append(command)
            offsets[tp] = records[-1].offset + 1
        if await self.send(commands):
            await self.commit(offsets)


def _command(record: ConsumerRecord[bytes, bytes]) -> Event | None:
    where = f"{record.topic}/{record.partition}/{record.offset}"
    headers = list(record.headers or ())
    token = reply_token(headers, record.key)
    if token is None:
        log.warning("dropping the reply at %s: it has no sfc-token header and no key", where)
        metrics.REPLIES.labels("dropped").inc()
        return None
    command = reply_command(token, headers, record.value, f"reply:{where}")
    if command is None:
        log.warning("dropping the reply at %s: %r is not an SFC job token", where, token)
        metrics.REPLIES.labels("dropped").inc()
        return None
    outcome = "failed" if isinstance(command, TaskFailed) else "succeeded"
    metrics.REPLIES.labels(outcome).inc()
    log.debug("reply at %s for job %s: %s", where, token, outcome)
    return command
