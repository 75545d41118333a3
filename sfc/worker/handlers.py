"""A set of task handlers, declared in user code and served by a :class:`Worker`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType

from sfc.core import Job
from sfc.core.types import Json
from sfc.errors import InputError

Handler = Callable[[Json], Json] | Callable[[Json], Awaitable[Json]]
"""A task handler: takes the job's input, returns its output (``async`` or not)."""


class Handlers:
    """Handlers by task name.

    Example::

        from sfc.worker import Handlers

        worker = Handlers()

        @worker.task("order.split")
        async def split(order):
            return {"parts": ...}
    """

    def __init__(self) -> None:
        self.by_name: dict[str, Handler] = {}

    def task(self, name: str) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of task ``name``.

        ``name`` is matched against the job's resource: ``task:<name>`` resources, the
        full resource URI (e.g. an ARN), or the Task state's name.
        """

        def register(handler: Handler) -> Handler:
            self.by_name[name] = handler
            return handler

        return register

    def update(self, other: Handlers) -> None:
        """Add another set's handlers to this one."""
        self.by_name.update(other.by_name)

    def find(self, job: Job) -> Handler | None:
        """The handler of a job, if any.

        Tried in order: the name of a ``task:<name>[:<version>]`` resource, the whole
        resource (e.g. an ARN or ``${Placeholder}``), then the Task state's name.
        """
        resource = job.resource
        by_name = self.by_name
        if resource.startswith("task:"):
            found = by_name.get(resource[5:].split(":")[0])
            if found is not None:
                return found
        return by_name.get(resource) or by_name.get(job.state)


def load_handlers(module_names: list[str]) -> Handlers:
    """Import modules and merge every :class:`Handlers` they define at top level.

    Args:
        module_names: Dotted module names, importable from ``sys.path``.

    Returns:
        One set with every handler; a later module's handler wins over an earlier one's
        for the same name.

    Raises:
        InputError: A module cannot be imported or defines no handlers.
    """
    merged = Handlers()
    for name in module_names:
        module = _import(name)
        found = [v for v in vars(module).values() if isinstance(v, Handlers)]
        if not found:
            raise InputError(f"module {name!r} defines no sfc.worker.Handlers", field="module")
        for handlers in found:
            merged.update(handlers)
    return merged


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise InputError(f"cannot import handler module {name!r}: {exc}", field="module") from exc
