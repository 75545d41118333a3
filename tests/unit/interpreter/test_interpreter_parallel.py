"""The Parallel state: branches on the same input, results in branch order, failure."""

from __future__ import annotations

from typing import Any

from flow_harness import Driver, run_flow

from sfc.core import CancelJob, CancelTimer, ScheduleJob, Status


def branch(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A branch of chained states; the last one ends it."""
    names = [name for name, _ in states]
    built: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        follow = {"Next": names[index + 1]} if index + 1 < len(names) else {"End": True}
        built[name] = {**state, **follow}
    return {"StartAt": names[0], "States": built}


def task(resource: str = "task:work", **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, **fields}


def parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": list(branches), "End": True, **fields}},
    }


def test_every_branch_gets_the_effective_input_and_results_come_in_branch_order() -> None:
    definition = parallel(
        branch(("A", task())),
        branch(("B", task())),
        branch(("C", {"Type": "Pass", "Result": "c"})),
        Parameters={"v.$": "$.value"},
    )
    driver = Driver(definition)
    driver.start({"value": 1, "other": 2})
    assert {j.state: j.input for j in driver.jobs.values()} == {"A": {"v": 1}, "B": {"v": 1}}
    driver.succeed("B", "b")  # the second branch finishes first
    assert driver.status is Status.RUNNING
    driver.succeed("A", "a")
    assert driver.state.status is Status.SUCCEEDED
    assert driver.output == ["a", "b", "c"]


def test_branch_threads_are_named_after_the_parallel_and_their_index() -> None:
    driver = Driver(parallel(branch(("A", task())), branch(("B", task()))))
    driver.start({})
    threads = driver.state.threads
    assert set(threads) == {"", "/P/0", "/P/1"}
    assert (threads["/P/0"].state, threads["/P/0"].parent) == ("A", "")
    assert (threads["/P/1"].state, threads["/P/1"].index) == ("B", 1)


def test_result_selector_result_path_and_output_path_apply_to_the_array() -> None:
    definition = parallel(
        branch(("A", {"Type": "Pass", "Result": 1})),
        branch(("B", {"Type": "Pass", "Result": 2})),
        ResultSelector={"first.$": "$[0]", "second.$": "$[1]"},
        ResultPath="$.results",
        OutputPath="$.results",
    )
    assert run_flow(definition, {"in": 0}).output == {"first": 1, "second": 2}


def test_a_failing_branch_cancels_the_others_and_fails_the_parallel() -> None:
    definition = parallel(
        branch(("A", task())),
        branch(("B", task(HeartbeatSeconds=30))),
        branch(("W", {"Type": "Wait", "Seconds": 100})),
    )
    driver = Driver(definition)
    driver.start({})
    token_b = driver.job("B").token
    heartbeat = driver.next_timer("heartbeat")
    wait = driver.next_timer("wait")
    decision = driver.fail("A", "Branch.Error", "A broke")
    assert CancelJob(token_b, "task:work") in decision.commands
    assert {CancelTimer(heartbeat), CancelTimer(wait)} <= {
        c for c in decision.commands if isinstance(c, CancelTimer)
    }
    assert driver.status is Status.FAILED
    assert (driver.state.error, driver.state.cause) == ("Branch.Error", "A broke")
    assert driver.state.jobs == {}
    assert driver.state.timers == {}
    assert driver.state.threads == {}


def test_results_of_cancelled_branches_are_ignored() -> None:
    definition = parallel(branch(("A", task())), branch(("B", task())))
    definition["States"]["P"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Wait"}]
    definition["States"]["P"].pop("End")
    definition["States"]["P"]["Next"] = "Wait"
    definition["States"]["Wait"] = {"Type": "Wait", "Seconds": 5, "End": True}
    driver = Driver(definition)
    driver.start({})
    late = driver.job("B")
    driver.fail("A")
    assert driver.state.threads[""].state == "Wait"
    before = driver.state
    decision = driver.succeed(late, "too late")
    assert decision.flow == before
    assert decision.note is not None


def test_the_parallel_retries_as_a_whole_with_its_own_retrier() -> None:
    definition = parallel(
        branch(("A", task())),
        branch(("B", task())),
        Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "MaxAttempts": 1}],
    )
    driver = Driver(definition)
    driver.start({})
    driver.succeed("B", "b1")
    driver.fail("A", "Flaky")
    assert driver.status is Status.RUNNING
    assert driver.state.jobs == {}
    driver.fire_next("retry")
    # Both branches run again, including the one that had succeeded.
    assert sorted(j.state for j in driver.jobs.values()) == ["A", "B"]
    driver.succeed("A", "a2")
    driver.succeed("B", "b2")
    assert driver.output == ["a2", "b2"]


def test_the_parallel_catches_a_branch_error_with_result_path() -> None:
    definition = parallel(
        branch(("A", task())),
        Catch=[{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handled"}],
    )
    definition["States"]["P"].pop("End")
    definition["States"]["P"]["Next"] = "Handled"
    definition["States"]["Handled"] = {"Type": "Pass", "End": True}
    driver = Driver(definition)
    driver.start({"in": 1})
    driver.fail("A", "Oops", "bad")
    assert driver.output == {"in": 1, "error": {"Error": "Oops", "Cause": "bad"}}


def test_nested_parallels_fail_all_the_way_up_and_cancel_every_job() -> None:
    inner = {
        "StartAt": "Q",
        "States": {
            "Q": {
                "Type": "Parallel",
                "Branches": [branch(("X", task())), branch(("Y", task()))],
                "End": True,
            }
        },
    }
    definition = parallel(inner, branch(("Z", task())))
    driver = Driver(definition)
    driver.start({})
    assert set(driver.state.threads) == {"", "/P/0", "/P/0/Q/0", "/P/0/Q/1", "/P/1"}
    tokens = {j.state: j.token for j in driver.jobs.values()}
    decision = driver.fail("X")
    cancelled = {c.token for c in decision.commands if isinstance(c, CancelJob)}
    assert cancelled == {tokens["Y"], tokens["Z"]}
    assert driver.status is Status.FAILED


def test_nested_parallels_succeed_with_nested_arrays() -> None:
    inner = {
        "StartAt": "Q",
        "States": {
            "Q": {
                "Type": "Parallel",
                "Branches": [branch(("X", task())), branch(("Y", task()))],
                "End": True,
            }
        },
    }
    driver = Driver(parallel(inner, branch(("Z", task()))))
    driver.start({})
    for state, result in (("Z", "z"), ("Y", "y"), ("X", "x")):
        driver.succeed(state, result)
    assert driver.output == [["x", "y"], "z"]


def test_a_branch_that_waits_for_nothing_finishes_in_the_same_decision() -> None:
    definition = parallel(branch(("A", {"Type": "Pass"})), branch(("B", task())))
    driver = Driver(definition)
    decision = driver.start("x")
    assert len([c for c in decision.commands if isinstance(c, ScheduleJob)]) == 1
    assert set(driver.state.threads) == {"", "/P/1"}
    driver.succeed("B", "y")
    assert driver.output == ["x", "y"]
