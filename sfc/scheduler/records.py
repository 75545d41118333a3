"""Records of the scheduler's topics.

- ``sfc.pools`` (one partition, key: the pool's name): :class:`PoolConfig`, each pool's
  configuration as last set at run time, and :class:`PoolsSync` markers.
- ``sfc.scheduler`` (one partition): :class:`Fence` and :class:`Probe`, the leader
  election's log (see :mod:`sfc.scheduler.election`).
- ``sfc.load`` (one partition): engines' :class:`~sfc.engine.load.PoolLoad` and the
  leader's :class:`SchedulerStatus`, both read from the end and valid for their ``ttl``.
"""

from __future__ import annotations

import msgspec

from sfc.engine.load import PoolLoad


class PoolConfig(msgspec.Struct, frozen=True, tag=True, rename="camel", kw_only=True):
    """A worker pool: which workers it runs and how it is sized.

    Attributes:
        name: ``common`` or the name of a blueprint with ``messageType: specific``.
        modules: Handler modules its workers serve (none: the pool runs no worker).
        min_replicas: Workers it keeps at least.
        max_replicas: Workers it grows to at most.
        target_pending: Pending jobs per worker it is sized for.
        cooldown_seconds: How long the demand must stay lower before it shrinks.
        max_age_seconds: A worker is added (one per cooldown) while the oldest pending
            job is older than this; None: sized by the count alone.
        concurrency: Jobs each worker runs at once (None: ``worker.concurrency``).
        replicas: A fixed size instead of autoscaling (``sfc pool scale``).
        revision: Raised to roll the workers over to the same modules' new code.
        source: ``settings`` (declared) or ``api`` (set at run time).
        updated_at: When it was last set at run time.
    """

    name: str
    modules: tuple[str, ...] = ()
    min_replicas: int = 1
    max_replicas: int = 4
    target_pending: int = 32
    cooldown_seconds: float = 30.0
    max_age_seconds: float | None = None
    concurrency: int | None = None
    replicas: int | None = None
    revision: int = 0
    source: str = "settings"
    updated_at: float | None = None


class PoolsSync(msgspec.Struct, frozen=True, tag=True):
    """A marker a reader of ``sfc.pools`` writes and waits for: it has read all before it."""

    nonce: str


PoolRecord = PoolConfig | PoolsSync

POOL_DECODER = msgspec.json.Decoder(PoolRecord)


class Fence(msgspec.Struct, frozen=True, tag=True):
    """Written by a scheduler that was just elected; it leads until a later fence."""

    scheduler: str
    nonce: str


class Probe(msgspec.Struct, frozen=True, tag=True):
    """Written and read back by the leader before it acts: no later fence, still the leader."""

    scheduler: str
    nonce: str


ElectionRecord = Fence | Probe

ELECTION_DECODER = msgspec.json.Decoder(ElectionRecord)


class ReplicaView(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One worker of a pool as the leader sees it.

    Attributes:
        id: The replica's id (``<pool>-<n>`` for local processes).
        state: ``starting``, ``ready`` or ``draining``.
        started_at: When it was started (seconds since the Unix epoch).
        current: Whether it runs the pool's current command (False while rolling over).
        where: Where it runs (``pid@host`` for local processes).
    """

    id: str
    state: str
    started_at: float
    current: bool = True
    where: str | None = None


class StartFailure(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """The last time a pool's worker failed to start.

    Attributes:
        message: What happened (the exit status, or no readiness in time).
        stderr: The last lines the worker wrote to its standard error.
        at: When (seconds since the Unix epoch).
        retry_at: When the next start is tried.
        failures: Failed starts in a row.
    """

    message: str
    at: float
    retry_at: float
    failures: int
    stderr: str = ""


class PoolStatus(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True):
    """One pool as the leader runs it.

    Attributes:
        name: The pool.
        desired: Workers it should have now.
        replicas: Its workers.
        pending: Jobs pending, from the engines' reports.
        oldest_age: Seconds the oldest pending job has been waiting.
        failure: The last failed start, while starts keep failing.
    """

    name: str
    desired: int
    replicas: list[ReplicaView] = []
    pending: int = 0
    oldest_age: float = 0.0
    failure: StartFailure | None = None


class SchedulerStatus(msgspec.Struct, frozen=True, tag=True, rename="camel"):
    """What the leader runs (a record of ``sfc.load``, key ``scheduler``).

    Attributes:
        scheduler: The leader's id.
        epoch: Its election's number (the count of fences up to its own).
        at: When it was written.
        ttl: Seconds it counts for once read.
        pools: Every pool it sizes.
    """

    scheduler: str
    epoch: int
    at: float
    ttl: float
    pools: list[PoolStatus]


LiveRecord = PoolLoad | SchedulerStatus

LIVE_DECODER = msgspec.json.Decoder(LiveRecord)
