"""The local runner: whole flows in-process, with local functions for tasks."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from sfc.core import Status, load_blueprint
from sfc.core.timestamps import format_timestamp
from sfc.errors import InputError
from sfc.runner import LocalRunner, RunResult, resolve_task_functions
from sfc.runner.local import STALLED


def runner(
    definition: dict[str, Any], tasks: dict[str, Any] | None = None, **options: Any
) -> LocalRunner:
    return LocalRunner(load_blueprint(definition, "local"), tasks, **options)


def one_task(resource: str = "task:greet:2", **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "Greet",
        "States": {"Greet": {"Type": "Task", "Resource": resource, "End": True, **fields}},
    }


class FakeClock:
    """A clock that moves only when told to (or when slept on)."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_flow_of_tasks_runs_to_its_output() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "task:a", "ResultPath": "$.a", "Next": "B"},
            "B": {"Type": "Task", "Resource": "task:b", "ResultPath": "$.b", "End": True},
        },
    }
    result = runner(definition, {"A": lambda x: x["n"] + 1, "B": lambda x: x["a"] * 2}).run(
        {"n": 1}
    )
    assert result == RunResult("SUCCEEDED", {"n": 1, "a": 2, "b": 4})


@pytest.mark.parametrize("key", ["Greet", "task:greet:2", "greet"])
def test_task_functions_are_found_by_state_name_resource_or_task_name(key: str) -> None:
    result = runner(one_task(), {key: lambda x: f"hello {x}"}).run("ann")
    assert result == RunResult("SUCCEEDED", "hello ann")


def test_the_state_name_wins_over_the_resource_and_the_resource_over_the_task_name() -> None:
    tasks = {
        "greet": lambda _: "task name",
        "task:greet:2": lambda _: "resource",
        "Greet": lambda _: "state",
    }
    assert runner(one_task(), tasks).run().output == "state"
    del tasks["Greet"]
    assert runner(one_task(), tasks).run().output == "resource"


def test_other_resources_are_found_by_uri() -> None:
    result = runner(
        one_task("https://svc.example/greet"), {"https://svc.example/greet": str.upper}
    ).run("x")
    assert result.output == "X"


def test_a_missing_task_function_fails_the_flow_saying_so() -> None:
    result = runner(one_task()).run({})
    assert result.status == "FAILED"
    assert result.error == "SFC.NoTaskFunction"
    assert result.cause is not None
    assert "Greet" in result.cause


class PaymentDeclinedError(Exception):
    error = "Payment.Declined"


def test_a_raising_task_function_fails_its_task_with_the_exception() -> None:
    def boom(_: Any) -> Any:
        raise ValueError("bad value")

    result = runner(one_task(), {"Greet": boom}).run({})
    assert result == RunResult("FAILED", None, "ValueError", "bad value")

    def declined(_: Any) -> Any:
        raise PaymentDeclinedError("card expired")

    named = runner(one_task(), {"Greet": declined}).run({})
    assert (named.error, named.cause) == ("Payment.Declined", "card expired")


def test_a_raised_error_goes_through_retry_and_catch() -> None:
    calls: list[int] = []

    def flaky(x: Any) -> Any:
        calls.append(1)
        if len(calls) < 3:
            raise PaymentDeclinedError("try again")
        return "paid"

    retried = one_task(Retry=[{"ErrorEquals": ["Payment.Declined"], "MaxAttempts": 5}])
    assert runner(retried, {"Greet": flaky}).run().output == "paid"
    assert len(calls) == 3

    caught = {
        "StartAt": "Greet",
        "States": {
            "Greet": {
                "Type": "Task",
                "Resource": "task:greet",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    result = runner(caught, {"Greet": lambda _: 1 / 0}).run()
    assert result.output == {"Error": "ZeroDivisionError", "Cause": "division by zero"}


def test_fast_timers_skip_waiting_but_keep_the_flow_clock() -> None:
    definition = {
        "StartAt": "Nap",
        "States": {
            "Nap": {"Type": "Wait", "Seconds": 3600, "Next": "When"},
            "When": {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime"}, "End": True},
        },
    }
    clock = FakeClock()
    result = runner(definition, clock=clock, sleep=clock.sleep).run({})
    assert result.output == {"at": format_timestamp(1_000.0 + 3600)}
    assert clock.slept == []


def test_real_timers_sleep_until_each_timer_is_due() -> None:
    definition = {
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}},
    }
    clock = FakeClock()
    result = runner(definition, fast_timers=False, clock=clock, sleep=clock.sleep).run({})
    assert result.status == "SUCCEEDED"
    assert clock.slept == [30]


def test_real_timers_count_from_when_the_previous_task_finished() -> None:
    definition = {
        "StartAt": "Slow",
        "States": {
            "Slow": {"Type": "Task", "Resource": "task:slow", "Next": "Nap"},
            "Nap": {"Type": "Wait", "Seconds": 30, "Next": "When"},
            "When": {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime"}, "End": True},
        },
    }
    clock = FakeClock()

    def slow(_: Any) -> Any:
        clock.now += 10  # the task takes ten seconds
        return {}

    tasks = {"Slow": slow}
    result = runner(definition, tasks, fast_timers=False, clock=clock, sleep=clock.sleep).run({})
    assert clock.slept == [30]
    assert result.output == {"at": format_timestamp(1_000.0 + 10 + 30)}


def test_retry_backoff_and_flow_timeout_run_on_the_virtual_clock() -> None:
    definition = {
        "TimeoutSeconds": 100,
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": 1000, "End": True}},
    }
    result = runner(definition).run({})
    assert (result.status, result.error) == ("TIMED_OUT", "States.Timeout")


def test_a_flow_waiting_for_what_cannot_happen_locally_is_reported_stalled() -> None:
    definition = {
        "StartAt": "Gate",
        "States": {
            "Gate": {
                "Type": "Join",
                "Events": [{"Name": "Open", "CorrelationKeyPath": "$.k"}],
                "End": True,
            }
        },
    }
    local = runner(definition)
    result = local.run({"k": "key"})
    assert (result.status, result.error) == ("FAILED", STALLED)
    assert result.cause is not None
    assert "Gate" in result.cause
    assert local.flow is not None
    assert local.flow.status is Status.RUNNING


def test_parallel_and_map_flows_run_locally() -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Each",
                        "States": {
                            "Each": {
                                "Type": "Map",
                                "MaxConcurrency": 1,
                                "ItemProcessor": {
                                    "StartAt": "Square",
                                    "States": {
                                        "Square": {
                                            "Type": "Task",
                                            "Resource": "task:sq",
                                            "End": True,
                                        }
                                    },
                                },
                                "End": True,
                            }
                        },
                    },
                    {
                        "StartAt": "Nap",
                        "States": {"Nap": {"Type": "Wait", "Seconds": 5, "End": True}},
                    },
                ],
                "End": True,
            }
        },
    }
    result = runner(definition, {"sq": lambda x: x * x}).run([1, 2, 3])
    assert result.output == [[1, 4, 9], [1, 2, 3]]


def test_history_is_kept_when_asked_and_the_final_state_is_exposed() -> None:
    local = runner(one_task(), {"Greet": lambda x: x}, history=True)
    local.run("hi", flow_id="my-flow")
    assert [e.type for e in local.events] == [
        "FlowStarted",
        "StateEntered",
        "TaskScheduled",
        "TaskSucceeded",
        "StateExited",
        "FlowSucceeded",
    ]
    assert local.flow is not None
    assert (local.flow.id, local.flow.status, local.flow.output) == (
        "my-flow",
        Status.SUCCEEDED,
        "hi",
    )
    quiet = runner(one_task(), {"Greet": lambda x: x})
    quiet.run("hi")
    assert quiet.events == []


def test_each_run_is_a_new_flow() -> None:
    definition = {
        "StartAt": "Id",
        "States": {
            "Id": {
                "Type": "Pass",
                "Parameters": {"id.$": "$$.Execution.Id", "uuid.$": "States.UUID()"},
                "End": True,
            }
        },
    }
    local = runner(definition)
    first, second = local.run().output, local.run().output
    assert first["id"] != second["id"]
    assert first["uuid"] != second["uuid"]


@pytest.fixture
def task_module() -> Iterator[str]:
    module = types.ModuleType("sfc_test_tasks")
    module.__dict__.update(shout=str.upper, not_callable=42)
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_task_functions_resolve_from_the_command_line(task_module: str) -> None:
    functions = resolve_task_functions([f"Greet={task_module}:shout"])
    assert functions["Greet"]("hi") == "HI"


@pytest.mark.parametrize(
    "spec",
    [
        "Greet",
        "Greet=module",
        "=mod:f",
        "Greet=no_such_module_xyz:f",
        "Greet={mod}:missing",
        "Greet={mod}:not_callable",
    ],
)
def test_bad_task_specs_are_input_errors(spec: str, task_module: str) -> None:
    with pytest.raises(InputError):
        resolve_task_functions([spec.format(mod=task_module)])
