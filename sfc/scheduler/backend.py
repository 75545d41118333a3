"""Where a pool's workers run: the interface every backend implements.

A backend is a desired-state controller, as a Kubernetes Deployment is: the scheduler
says how many replicas of a pool should run which command (:meth:`Backend.ensure`), and
the backend gets there and stays there on its own: it starts missing replicas, replaces
those that die (backing off while starts fail), drains surplus ones, and rolls replicas
of an older command over to the new one, one at a time (start one new; once it is ready,
drain one old). Draining a worker is the SDK's ``SIGTERM``: it stops taking jobs,
finishes or hands back those in hand, commits, and exits.

:class:`~sfc.scheduler.local.LocalBackend` runs worker processes on this machine. A
Kubernetes backend would keep one Deployment per pool (see docs/scheduler.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sfc.scheduler.pools import WorkerCommand
from sfc.scheduler.records import StartFailure


class ReplicaState(StrEnum):
    """Where a replica is in its life."""

    STARTING = "starting"
    READY = "ready"
    DRAINING = "draining"


@dataclass(frozen=True)
class Replica:
    """One worker of a pool.

    Attributes:
        id: The backend's name for it (unique among the pool's replicas).
        pool: Its pool.
        command: What it runs.
        state: Starting, ready (taking jobs) or draining.
        started_at: When it was started (seconds since the Unix epoch).
        where: Where it runs (``pid@host``, a pod's name).
    """

    id: str
    pool: str
    command: WorkerCommand
    state: ReplicaState
    started_at: float
    where: str = ""


class Backend(Protocol):
    """Runs the workers of pools (see the module's description)."""

    async def start(self) -> None:
        """Get ready to run workers (called when the scheduler starts to lead)."""
        ...

    async def stop(self) -> None:
        """Stop managing workers (called when the scheduler stops leading).

        A backend whose workers belong to this process (local processes) drains them
        all and waits for them to exit; one whose workers outlive the scheduler (a
        Deployment) leaves them to the next leader.
        """
        ...

    async def ensure(self, pool: str, command: WorkerCommand, replicas: int) -> None:
        """Have ``replicas`` workers of ``pool`` run ``command`` (0: drain them all).

        Returns once the change is under way; the backend converges in the background.
        """
        ...

    def replicas(self, pool: str) -> list[Replica]:
        """The pool's workers now, draining ones included."""
        ...

    async def remove(self, pool: str, replica: str) -> bool:
        """Drain one worker now; the backend replaces it if the pool is then short.

        Returns:
            False if there is no such worker (or it is draining already).
        """
        ...

    def failure(self, pool: str) -> StartFailure | None:
        """The pool's last failed start, while its starts keep failing (None once one
        succeeds)."""
        ...
