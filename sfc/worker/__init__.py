"""The worker SDK: register handlers for task names, serve jobs from a pool's topic."""

from sfc.worker.errors import TaskError
from sfc.worker.worker import Worker

__all__ = ["TaskError", "Worker"]
