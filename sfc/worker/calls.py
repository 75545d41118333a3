"""Calling a handler: ``async`` ones on the event loop, plain ones in a thread of their own.

A plain handler may block (I/O, CPU), so it runs off the loop. Each call gets a daemon
thread rather than a pool's: a thread cannot be interrupted, so a handler that hangs past
its job's timeout keeps its thread, and a pool's threads would be joined at interpreter
exit, keeping a stopped worker from ever exiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import inspect
import threading
from collections.abc import Callable
from typing import TypeVar

from sfc.core import Job
from sfc.core.types import Json
from sfc.errors import SfcError
from sfc.worker.handlers import Handler

T = TypeVar("T")

_CURRENT: contextvars.ContextVar[Job] = contextvars.ContextVar("sfc_worker_job")


def current_job() -> Job:
    """The job whose handler is running (in that handler, sync or async).

    Its ``token`` is stable across redeliveries of the job, so a handler can use it as an
    idempotency key; ``attempt`` counts the state's retries.

    Raises:
        SfcError: Called outside a handler.
    """
    try:
        return _CURRENT.get()
    except LookupError:
        raise SfcError("current_job() is only available inside a task handler") from None


async def call_handler(handler: Handler, job: Job) -> Json:
    """Run ``handler`` on the job's input and return what it returns."""
    _CURRENT.set(job)  # in the job's own task context: never seen by other jobs
    if inspect.iscoroutinefunction(handler):
        return await handler(job.input)
    result = await in_thread(lambda: handler(job.input))
    if inspect.isawaitable(result):
        return await result
    return result


def in_thread(function: Callable[[], T]) -> asyncio.Future[T]:
    """Run ``function`` in a new daemon thread, with the caller's context variables.

    Cancelling the returned future stops waiting for the thread, not the thread.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(outcome: Callable[[], None]) -> None:
        # A closed loop raises: nobody waits for this result any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(outcome)

    def target() -> None:
        try:
            result = context.run(function)
        except BaseException as exc:  # handed to the awaiting coroutine, not lost
            settle(functools.partial(_set_exception, future, exc))
        else:
            settle(functools.partial(_set_result, future, result))

    threading.Thread(target=target, name="sfc-handler", daemon=True).start()
    return future


def _set_result(future: asyncio.Future[T], result: T) -> None:
    if not future.done():
        future.set_result(result)


def _set_exception(future: asyncio.Future[T], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
