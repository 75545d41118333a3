"""Handler lookup, loading handler modules, and calling handlers."""

from __future__ import annotations

import asyncio
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import pytest

from sfc.core import Job
from sfc.errors import InputError, SfcError
from sfc.worker import Handlers, current_job, load_handlers
from sfc.worker.calls import call_handler


def job(resource: str, state: str = "Step", **fields: Any) -> Job:
    return Job("tok-1", "flow-1", "bp", 1, state, resource, {"n": 1}, **fields)


def named(*names: str) -> tuple[Handlers, dict[str, Any]]:
    handlers = Handlers()
    functions: dict[str, Any] = {}
    for name in names:

        def handler(data: Any, name: str = name) -> str:
            return name

        functions[name] = handlers.task(name)(handler)
    return handlers, functions


def test_a_task_resource_finds_its_handler_by_name_whatever_the_version() -> None:
    handlers, functions = named("order.split", "Step")
    assert handlers.find(job("task:order.split")) is functions["order.split"]
    assert handlers.find(job("task:order.split:3")) is functions["order.split"]


def test_a_whole_resource_then_the_state_name_are_tried_next() -> None:
    arn = "arn:aws:lambda:eu-west-1:1:function:f"
    handlers, functions = named(arn, "Step")
    assert handlers.find(job(arn)) is functions[arn]
    assert handlers.find(job("task:unknown")) is functions["Step"]
    assert handlers.find(job("task:unknown", state="Other")) is None


def test_update_merges_sets_with_the_later_one_winning() -> None:
    first, _ = named("a", "b")
    second, functions = named("b")
    first.update(second)
    assert first.find(job("task:b")) is functions["b"]
    assert sorted(first.by_name) == ["a", "b"]


@pytest.fixture
def modules() -> Iterator[None]:
    with_handlers = types.ModuleType("sfc_test_with_handlers")
    handlers = Handlers()
    handlers.task("x")(lambda data: data)
    vars(with_handlers)["worker"] = handlers
    without = types.ModuleType("sfc_test_without_handlers")
    sys.modules.update({m.__name__: m for m in (with_handlers, without)})
    yield
    for name in ("sfc_test_with_handlers", "sfc_test_without_handlers"):
        del sys.modules[name]


@pytest.mark.usefixtures("modules")
def test_load_handlers_merges_every_set_a_module_defines() -> None:
    assert list(load_handlers(["sfc_test_with_handlers"]).by_name) == ["x"]


@pytest.mark.usefixtures("modules")
@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("sfc_test_without_handlers", "defines no sfc.worker.Handlers"),
        ("sfc_test_no_such_module", "cannot import handler module"),
    ],
)
def test_load_handlers_says_what_is_wrong(module: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        load_handlers([module])
    assert caught.value.field == "module"


async def test_a_sync_handler_runs_in_another_thread_and_sees_its_job() -> None:
    seen: list[tuple[str, bool]] = []

    def handler(data: Any) -> Any:
        seen.append((current_job().token, threading.current_thread() is threading.main_thread()))
        return {"got": data}

    assert await call_handler(handler, job("task:x")) == {"got": {"n": 1}}
    assert seen == [("tok-1", False)]


async def test_an_async_handler_runs_on_the_loop_and_sees_its_job() -> None:
    async def handler(data: Any) -> Any:
        await asyncio.sleep(0)
        return current_job().attempt

    assert await call_handler(handler, job("task:x", attempt=2)) == 2


async def test_concurrent_handlers_each_see_their_own_job() -> None:
    async def handler(data: Any) -> Any:
        await asyncio.sleep(0.01)
        return current_job().token

    jobs = [Job(f"t{i}", "f", "bp", 1, "S", "task:x") for i in range(5)]
    results = await asyncio.gather(*(call_handler(handler, j) for j in jobs))
    assert results == [f"t{i}" for i in range(5)]


async def test_a_sync_handlers_exception_reaches_the_caller() -> None:
    def handler(data: Any) -> Any:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        await call_handler(handler, job("task:x"))


def test_current_job_outside_a_handler_is_an_error() -> None:
    with pytest.raises(SfcError, match="only available inside a task handler"):
        current_job()
