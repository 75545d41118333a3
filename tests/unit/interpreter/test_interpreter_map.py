"""The Map state: items, per-item input, concurrency, tolerated failures."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import pytest
from flow_harness import Driver, run_flow
from hypothesis import given, settings

from sfc.core import CancelJob, Status


def map_state(processor: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    processor = processor or {
        "StartAt": "Work",
        "States": {"Work": {"Type": "Task", "Resource": "task:work", "End": True}},
    }
    return {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}},
    }


PASS_PROCESSOR = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


def test_each_item_runs_the_processor_and_results_keep_item_order() -> None:
    driver = Driver(map_state(ItemsPath="$.items"))
    driver.start({"items": [1, 2, 3]})
    jobs = sorted(driver.jobs.values(), key=lambda j: j.input)
    assert [j.input for j in jobs] == [1, 2, 3]
    for job in reversed(jobs):
        driver.succeed(job, job.input * 10)
    assert driver.status is Status.SUCCEEDED
    assert driver.output == [10, 20, 30]


def test_iteration_threads_are_named_after_the_map_and_the_item_index() -> None:
    driver = Driver(map_state())
    driver.start(["a", "b"])
    assert set(driver.state.threads) == {"", "/M/0", "/M/1"}
    assert driver.state.threads["/M/1"].input == "b"


def test_an_empty_array_gives_an_empty_result_at_once() -> None:
    driver = Driver(map_state(ItemsPath="$.items", ResultPath="$.out"))
    driver.start({"items": []})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"items": [], "out": []}
    assert not driver.jobs


def test_item_selector_sees_the_effective_input_and_the_map_item() -> None:
    selector = {
        "index.$": "$$.Map.Item.Index",
        "value.$": "$$.Map.Item.Value",
        "shared.$": "$.shared",
    }
    driver = run_flow(
        map_state(PASS_PROCESSOR, InputPath="$.in", ItemsPath="$.items", ItemSelector=selector),
        {"in": {"items": ["x", "y"], "shared": 0}},
    )
    assert driver.output == [
        {"index": 0, "value": "x", "shared": 0},
        {"index": 1, "value": "y", "shared": 0},
    ]


def test_legacy_iterator_and_parameters_work_like_item_processor_and_item_selector() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "Parameters": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                "Iterator": PASS_PROCESSOR,
                "End": True,
            }
        },
    }
    assert run_flow(definition, {"items": ["a"]}).output == [{"v": "a", "i": 0}]


def test_result_selector_and_result_path_apply_to_the_results_array() -> None:
    definition = map_state(
        PASS_PROCESSOR,
        ItemsPath="$.items",
        ResultSelector={"count.$": "States.ArrayLength($)"},
        ResultPath="$.summary",
    )
    assert run_flow(definition, {"items": [1, 2, 3]}).output == {
        "items": [1, 2, 3],
        "summary": {"count": 3},
    }


def outstanding_after_each_step(driver: Driver, limit: int) -> list[int]:
    """Answer jobs one at a time, oldest first, noting how many were outstanding."""
    seen = []
    while driver.jobs:
        seen.append(len(driver.jobs))
        assert len(driver.jobs) <= limit
        job = next(iter(driver.jobs.values()))
        driver.succeed(job, job.input)
    return seen


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_max_concurrency_caps_the_iterations_running_at_once(limit: int) -> None:
    driver = Driver(map_state(MaxConcurrency=limit))
    driver.start(list(range(7)))
    seen = outstanding_after_each_step(driver, limit)
    assert max(seen) == limit
    assert len(seen) == 7
    assert driver.output == list(range(7))


def test_max_concurrency_path_and_zero_meaning_unlimited() -> None:
    by_path = Driver(map_state(ItemsPath="$.items", MaxConcurrencyPath="$.limit"))
    by_path.start({"items": list(range(5)), "limit": 2})
    assert len(by_path.jobs) == 2
    unlimited = Driver(map_state(MaxConcurrency=0))
    unlimited.start(list(range(5)))
    assert len(unlimited.jobs) == 5


def test_iterations_start_in_item_order_as_slots_free_up() -> None:
    driver = Driver(map_state(MaxConcurrency=2))
    driver.start(["a", "b", "c", "d"])
    assert sorted(j.input for j in driver.jobs.values()) == ["a", "b"]
    driver.succeed(driver.jobs_for("Work")[1], "B")  # "b" finishes first
    assert sorted(j.input for j in driver.jobs.values()) == ["a", "c"]
    for job in list(driver.jobs.values()):
        driver.succeed(job, job.input.upper())
    driver.succeed(driver.job("Work"), "D")
    assert driver.output == ["A", "B", "C", "D"]


def test_an_iteration_failure_fails_the_map_and_cancels_the_rest() -> None:
    driver = Driver(map_state(MaxConcurrency=3))
    driver.start([1, 2, 3, 4, 5])
    first, second, third = driver.jobs_for("Work")
    decision = driver.fail(second, "Item.Bad", "item 2")
    cancelled = {c.token for c in decision.commands if isinstance(c, CancelJob)}
    assert cancelled == {first.token, third.token}
    assert driver.status is Status.FAILED
    assert (driver.state.error, driver.state.cause) == ("Item.Bad", "item 2")
    assert len(driver.all(CancelJob)) == 2
    # Items 4 and 5 never started.
    assert len([e for e in driver.history if e.type == "TaskScheduled"]) == 3


def fail_items(driver: Driver, bad: set[int]) -> None:
    """Answer every job: fail those whose input is in ``bad``."""
    while driver.jobs and driver.status is Status.RUNNING:
        job = next(iter(driver.jobs.values()))
        if job.input in bad:
            driver.fail(job, "Item.Bad", f"item {job.input}")
        else:
            driver.succeed(job, job.input)


def test_failures_within_the_tolerated_count_let_the_map_succeed() -> None:
    driver = Driver(map_state(ToleratedFailureCount=2, MaxConcurrency=2))
    driver.start([1, 2, 3, 4])
    fail_items(driver, {2, 4})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == [
        1,
        {"Error": "Item.Bad", "Cause": "item 2"},
        3,
        {"Error": "Item.Bad", "Cause": "item 4"},
    ]


def test_one_failure_more_than_tolerated_fails_with_exceed_tolerated_failure_threshold() -> None:
    driver = Driver(map_state(ToleratedFailureCount=1))
    driver.start([1, 2, 3, 4])
    fail_items(driver, {1, 3})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.ExceedToleratedFailureThreshold"


@pytest.mark.parametrize(
    ("percentage", "bad", "status"),
    [
        (50, {1, 2}, Status.SUCCEEDED),
        (50, {1, 2, 3}, Status.FAILED),
        (0, {1}, Status.FAILED),
        (100, {1, 2, 3, 4}, Status.SUCCEEDED),
    ],
)
def test_tolerated_failure_percentage(percentage: float, bad: set[int], status: Status) -> None:
    driver = Driver(map_state(ToleratedFailurePercentage=percentage))
    driver.start([1, 2, 3, 4])
    fail_items(driver, bad)
    assert driver.status is status
    if status is Status.FAILED:
        assert driver.state.error == "States.ExceedToleratedFailureThreshold"


def test_exceeding_the_threshold_is_catchable() -> None:
    definition = map_state(ToleratedFailureCount=0)
    definition["States"]["M"].pop("End")
    definition["States"]["M"]["Next"] = "Ok"
    definition["States"]["M"]["Catch"] = [
        {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "Handled"}
    ]
    definition["States"]["Ok"] = {"Type": "Succeed"}
    definition["States"]["Handled"] = {"Type": "Pass", "Result": "handled", "End": True}
    driver = Driver(definition)
    driver.start([1])
    fail_items(driver, {1})
    assert driver.output == "handled"


@pytest.mark.parametrize("items", [{"a": 1}, "text", 3, None])
def test_items_that_are_not_an_array_fail_with_states_runtime(items: Any) -> None:
    driver = Driver(map_state(ItemsPath="$.items"))
    driver.start({"items": items})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"


def test_an_items_path_that_selects_nothing_fails_with_states_runtime() -> None:
    driver = run_flow(map_state(ItemsPath="$.missing"), {})
    assert driver.state.error == "States.Runtime"


def test_jsonata_items_item_selector_and_output() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.numbers %}",
                "ItemSelector": {
                    "n": "{% $states.context.Map.Item.Value %}",
                    "at": "{% $states.context.Map.Item.Index %}",
                },
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": {
                        "Double": {
                            "Type": "Pass",
                            "Output": "{% $states.input.n * 2 + $states.input.at %}",
                            "End": True,
                        }
                    },
                },
                "Output": {"sum": "{% $sum($states.result) %}"},
                "End": True,
            }
        },
    }
    assert run_flow(definition, {"numbers": [1, 2, 3]}).output == {"sum": 15}


def test_jsonata_items_may_be_a_literal_array() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": [1, "{% 1 + 1 %}"],
                "ItemProcessor": PASS_PROCESSOR,
                "End": True,
            }
        },
    }
    assert run_flow(definition, None).output == [1, 2]


def test_jsonata_items_that_are_not_an_array_fail_with_query_evaluation_error() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Items": "{% $states.input.numbers %}",
                "ItemProcessor": PASS_PROCESSOR,
                "End": True,
            }
        },
    }
    driver = run_flow(definition, {"numbers": {"not": "an array"}})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.QueryEvaluationError"


def test_a_map_inside_a_map() -> None:
    inner = {
        "StartAt": "Inner",
        "States": {"Inner": {"Type": "Map", "ItemProcessor": PASS_PROCESSOR, "End": True}},
    }
    driver = run_flow(map_state(inner), [[1, 2], [], [3]])
    assert driver.output == [[1, 2], [], [3]]
    assert "/M/0/Inner/1" in {e.thread for e in driver.history}


def test_many_items_without_waiting_finish_in_one_decision() -> None:
    driver = Driver(map_state(PASS_PROCESSOR, MaxConcurrency=3))
    driver.start(list(range(50)))
    assert driver.status is Status.SUCCEEDED
    assert driver.output == list(range(50))
    assert len(driver.decisions) == 1


TWO_STEP_PROCESSOR = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Task", "Resource": "task:first", "Next": "Second"},
        "Second": {"Type": "Task", "Resource": "task:second", "End": True},
    },
}


@settings(max_examples=80, deadline=None)
@given(
    count=st.integers(0, 8),
    limit=st.integers(1, 4),
    picks=st.lists(st.tuples(st.integers(0, 50), st.booleans()), max_size=40),
)
def test_max_concurrency_holds_whatever_order_jobs_finish_in(
    count: int, limit: int, picks: list[tuple[int, bool]]
) -> None:
    driver = Driver(map_state(TWO_STEP_PROCESSOR, MaxConcurrency=limit, ToleratedFailureCount=99))
    driver.start(list(range(count)))
    moves = iter(picks)
    while driver.jobs:
        # Iterations, not jobs, are limited: each running iteration has one job here.
        assert len(driver.jobs) <= limit
        pick, fails = next(moves, (0, False))
        jobs = sorted(driver.jobs.values(), key=lambda j: j.token)
        job = jobs[pick % len(jobs)]
        if fails:
            driver.fail(job, "Item.Bad", str(job.input))
        else:
            driver.succeed(job, job.input)
    assert driver.status is Status.SUCCEEDED
    firsts = [e.thread for e in driver.history if e.type == "TaskScheduled" and e.state == "First"]
    assert sorted(firsts) == sorted(f"/M/{i}" for i in range(count))
    assert len(driver.output) == count


def test_items_path_may_read_a_variable_or_the_context() -> None:
    from_variable = {
        "StartAt": "Set",
        "States": {
            "Set": {"Type": "Pass", "Assign": {"list": ["a", "b"]}, "Next": "M"},
            "M": {
                "Type": "Map",
                "ItemsPath": "$list",
                "ItemProcessor": PASS_PROCESSOR,
                "End": True,
            },
        },
    }
    assert run_flow(from_variable, {}).output == ["a", "b"]
    from_context = map_state(PASS_PROCESSOR, ItemsPath="$$.Execution.Input.list")
    assert run_flow(from_context, {"list": [1]}).output == [1]
