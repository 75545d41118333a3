"""The worker SDK: register handlers for task names, serve jobs from a pool's topic."""

from sfc.worker.errors import TaskError
from sfc.worker.handlers import Handlers, load_handlers
from sfc.worker.worker import Worker

__all__ = ["Handlers", "TaskError", "Worker", "load_handlers"]
