"""The executor role: makes the sync HTTP and gRPC calls of Task states.

``Executor`` is the role (``sfc executor``); ``Calls`` makes one job's call and its reply,
without Kafka. Error names and what is retried: ``docs/executor.md``.
"""

from sfc.executor.calls import Calls
from sfc.executor.errors import CallError
from sfc.executor.executor import Executor

__all__ = ["CallError", "Calls", "Executor"]
