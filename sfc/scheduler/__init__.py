"""The scheduler role: worker pools sized to their pending jobs, one leader at a time.

Public API:

- :class:`Scheduler`: the role (``sfc scheduler``), a :class:`sfc.roles.Service`;
- :class:`Backend`: where workers run (a protocol); :class:`LocalBackend`, the default,
  runs them as processes of the scheduler;
- :class:`PoolBook`: every pool's configuration (settings, changed at run time);
- :class:`PoolConfig`, :class:`WorkerCommand`, :class:`Replica`, :class:`ReplicaState`.

See docs/scheduler.md.
"""

from sfc.scheduler.backend import Backend, Replica, ReplicaState
from sfc.scheduler.book import PoolBook
from sfc.scheduler.local import LocalBackend
from sfc.scheduler.pools import WorkerCommand
from sfc.scheduler.records import PoolConfig
from sfc.scheduler.scheduler import Scheduler

__all__ = [
    "Backend",
    "LocalBackend",
    "PoolBook",
    "PoolConfig",
    "Replica",
    "ReplicaState",
    "Scheduler",
    "WorkerCommand",
]
