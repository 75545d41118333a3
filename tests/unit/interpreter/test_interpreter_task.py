"""The Task state: the job it schedules and how its result becomes its output."""

from __future__ import annotations

from typing import Any

import pytest
from flow_harness import FLOW, Driver

from sfc.core import (
    CompleteFlow,
    Job,
    ScheduleJob,
    Status,
    TaskFailed,
    TaskSucceeded,
)


def task(**fields: Any) -> dict[str, Any]:
    state = {"Type": "Task", "Resource": "task:work", "End": True, **fields}
    return {"StartAt": "T", "States": {"T": state}}


def test_entering_a_task_schedules_one_job_and_waits() -> None:
    driver = Driver(task())
    decision = driver.start({"a": 1})
    [schedule] = driver.last(ScheduleJob)
    job = schedule.job
    assert job == Job(
        token=job.token,
        flow_id=FLOW,
        blueprint="bp",
        version=1,
        state="T",
        resource="task:work",
        input={"a": 1},
        attempt=0,
        message_type="common",
    )
    assert driver.status is Status.RUNNING
    assert driver.state.jobs == {job.token: ""}
    assert not driver.last(CompleteFlow)
    scheduled = [e for e in driver.history if e.type == "TaskScheduled"]
    assert [(e.state, e.token, e.payload, e.resource) for e in scheduled] == [
        ("T", job.token, {"a": 1}, "task:work")
    ]
    assert decision.note is None


def test_the_result_becomes_the_output() -> None:
    driver = Driver(task())
    driver.start({"a": 1})
    driver.succeed("T", {"r": 2})
    assert driver.status is Status.SUCCEEDED
    assert driver.output == {"r": 2}
    assert driver.state.jobs == {}
    assert driver.completion() == CompleteFlow(Status.SUCCEEDED, {"r": 2})


def test_input_path_and_parameters_make_the_job_input() -> None:
    driver = Driver(
        task(InputPath="$.order", Parameters={"id.$": "$.id", "fixed": True, "all.$": "$"})
    )
    driver.start({"order": {"id": 7, "x": 1}, "other": 0})
    assert driver.job("T").input == {"id": 7, "fixed": True, "all": {"id": 7, "x": 1}}


def test_result_selector_result_path_and_output_path_shape_the_output() -> None:
    driver = Driver(
        task(
            ResultSelector={"value.$": "$.body.value"},
            ResultPath="$.result",
            OutputPath="$.result",
        )
    )
    driver.start({"keep": 1})
    driver.succeed("T", {"body": {"value": 42, "noise": 0}})
    assert driver.output == {"value": 42}


def test_result_path_places_the_selected_result_into_the_raw_input() -> None:
    driver = Driver(task(InputPath="$.sub", ResultPath="$.sub.result"))
    driver.start({"sub": {"a": 1}, "top": 2})
    assert driver.job("T").input == {"a": 1}
    driver.succeed("T", "done")
    assert driver.output == {"sub": {"a": 1, "result": "done"}, "top": 2}


def test_task_token_is_available_to_parameters() -> None:
    driver = Driver(task(Parameters={"token.$": "$$.Task.Token"}))
    driver.start({})
    job = driver.job("T")
    assert job.input == {"token": job.token}


def test_every_attempt_gets_a_new_token() -> None:
    driver = Driver(
        task(
            Parameters={"token.$": "$$.Task.Token"},
            Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}],
        )
    )
    driver.start({})
    first = driver.job("T")
    driver.fail(first)
    driver.fire_next()
    second = driver.job("T")
    assert second.token != first.token
    assert second.input == {"token": second.token}
    assert second.attempt == 1


@pytest.mark.parametrize(
    ("resource", "extra"),
    [
        ("https://svc.example/charge", {}),
        ("grpc://svc:50051/shop.Payments/Charge", {}),
        ("kafka://payments-in", {"ReplyTopic": "payments-out"}),
        ("task:charge:3", {}),
    ],
)
def test_the_job_names_the_resource_as_written(resource: str, extra: dict[str, Any]) -> None:
    driver = Driver(task(Resource=resource, **extra))
    driver.start({})
    job = driver.job("T")
    assert job.resource == resource
    assert job.reply_topic == extra.get("ReplyTopic")


def test_specific_blueprints_route_their_jobs_as_specific() -> None:
    definition = {**task(), "messageType": "specific"}
    driver = Driver(definition)
    driver.start({})
    assert driver.job("T").message_type == "specific"


def test_an_unhandled_task_failure_fails_the_flow_with_its_error_and_cause() -> None:
    driver = Driver(task())
    driver.start({})
    driver.fail("T", "Payment.Declined", "card expired")
    assert driver.status is Status.FAILED
    assert (driver.state.error, driver.state.cause) == ("Payment.Declined", "card expired")
    assert driver.completion() == CompleteFlow(
        Status.FAILED, None, "Payment.Declined", "card expired"
    )
    assert driver.types()[-3:] == ["TaskFailed", "StateFailed", "FlowFailed"]


def test_a_result_selector_path_that_selects_nothing_fails_the_state() -> None:
    driver = Driver(task(ResultSelector={"v.$": "$.missing"}))
    driver.start({})
    driver.succeed("T", {"other": 1})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"


def test_a_result_path_into_a_non_object_fails_with_result_path_match_failure() -> None:
    definition = task(
        ResultPath="$.a.b",
        Catch=[{"ErrorEquals": ["States.ResultPathMatchFailure"], "Next": "Caught"}],
    )
    definition["States"]["T"].pop("End")
    definition["States"]["T"]["Next"] = "Done"
    definition["States"]["Done"] = {"Type": "Succeed"}
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    driver = Driver(definition)
    driver.start({"a": "not an object"})
    driver.succeed("T", 1)
    assert driver.status is Status.SUCCEEDED
    assert driver.output["Error"] == "States.ResultPathMatchFailure"
    assert driver.entered() == ["T", "Caught"]


def test_a_parameters_path_that_selects_nothing_fails_before_any_job() -> None:
    driver = Driver(task(Parameters={"x.$": "$.missing"}))
    driver.start({})
    assert driver.status is Status.FAILED
    assert driver.state.error == "States.Runtime"
    assert not driver.all(ScheduleJob)


def test_a_result_for_an_unknown_token_is_ignored_with_a_note() -> None:
    driver = Driver(task())
    driver.start({})
    before = driver.state
    decision = driver.apply(TaskSucceeded("x", FLOW, "no-such-token", 1))
    assert decision.flow == before
    assert decision.commands == ()
    assert decision.note is not None
    assert "no-such-token" in decision.note
    failure = driver.apply(TaskFailed("y", FLOW, "no-such-token"))
    assert failure.flow == before
    assert failure.note is not None


def test_results_for_a_flow_that_does_not_exist_say_so() -> None:
    driver = Driver(task())
    decision = driver.apply(TaskSucceeded("x", FLOW, "t", 1))
    assert decision.flow is None
    assert decision.note is not None


def test_two_tasks_in_sequence_pass_data_along() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "task:a", "ResultPath": "$.a", "Next": "B"},
            "B": {"Type": "Task", "Resource": "task:b", "ResultPath": "$.b", "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({"i": 1})
    driver.succeed("A", 1)
    assert driver.job("B").input == {"i": 1, "a": 1}
    driver.succeed("B", 2)
    assert driver.output == {"i": 1, "a": 1, "b": 2}


def test_jsonata_arguments_make_the_job_input_and_output_shapes_the_result() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "task:work",
                "Arguments": {
                    "n": "{% $states.input.n + 1 %}",
                    "token": "{% $states.context.Task.Token %}",
                },
                "Output": {"in": "{% $states.input.n %}", "out": "{% $states.result.v %}"},
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({"n": 1})
    job = driver.job("T")
    assert job.input == {"n": 2, "token": job.token}
    driver.succeed(job, {"v": "x"})
    assert driver.output == {"in": 1, "out": "x"}


def test_jsonata_task_without_output_outputs_its_result() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "task:work", "End": True}},
    }
    driver = Driver(definition)
    driver.start({"n": 1})
    assert driver.job("T").input == {"n": 1}
    driver.succeed("T", {"r": True})
    assert driver.output == {"r": True}
