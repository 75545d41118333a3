"""A set of task handlers, declared in user code and served by a :class:`Worker`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from types import ModuleType

from sfc.core.types import Json
from sfc.errors import InputError

Handler = Callable[[Json], Json] | Callable[[Json], Awaitable[Json]]


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


def load_handlers(module_names: list[str]) -> Handlers:
    """Import modules and merge every :class:`Handlers` they define at top level.

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
