"""The worker SDK: register handlers for task names, serve jobs from a pool's topic.

Public API:

- :class:`Handlers`: a set of handlers, declared with ``@handlers.task("name")``;
- :func:`load_handlers`: merge the :class:`Handlers` of modules (what ``sfc worker`` does);
- :class:`Worker`: serves one pool's jobs with handlers (``start``, ``stop``, ``drain``);
- :class:`TaskError`: raise it to fail a task with an ASL error name, retryable or not;
- :func:`current_job`: the job whose handler is running (its stable ``token``, ``attempt``);
- :class:`JobCounts`: what :attr:`Worker.counts` and :meth:`Worker.drain` report.

See docs/workers.md.
"""

from sfc.worker.calls import current_job
from sfc.worker.counts import JobCounts
from sfc.worker.errors import TaskError
from sfc.worker.handlers import Handlers, load_handlers
from sfc.worker.worker import Worker

__all__ = ["Handlers", "JobCounts", "TaskError", "Worker", "current_job", "load_handlers"]
