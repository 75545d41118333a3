"""The context object: ``$$`` in JSONPath, ``$states.context`` in JSONata."""

from __future__ import annotations

from flow_harness import FLOW, T0, Driver, run_flow

from sfc.core.timestamps import format_timestamp

CONTEXT = {
    "execution.$": "$$.Execution",
    "state.$": "$$.State",
    "machine.$": "$$.StateMachine",
}


def test_execution_state_and_state_machine_members() -> None:
    definition = {
        "StartAt": "Read",
        "States": {"Read": {"Type": "Pass", "Parameters": CONTEXT, "End": True}},
    }
    driver = run_flow(definition, {"in": 1})
    assert driver.output == {
        "execution": {
            "Id": FLOW,
            "Name": FLOW,
            "Input": {"in": 1},
            "StartTime": format_timestamp(T0),
            "RedriveCount": 0,
            "RoleArn": "",
        },
        "state": {"Name": "Read", "EnteredTime": format_timestamp(T0), "RetryCount": 0},
        "machine": {"Id": "bp:1", "Name": "bp"},
    }


def test_execution_input_is_the_flow_input_not_the_state_input() -> None:
    definition = {
        "StartAt": "Change",
        "States": {
            "Change": {"Type": "Pass", "Result": "changed", "Next": "Read"},
            "Read": {
                "Type": "Pass",
                "Parameters": {"input.$": "$$.Execution.Input", "mine.$": "$"},
                "End": True,
            },
        },
    }
    assert run_flow(definition, {"original": True}).output == {
        "input": {"original": True},
        "mine": "changed",
    }


def test_entered_time_is_when_the_state_was_entered() -> None:
    definition = {
        "StartAt": "Wait",
        "States": {
            "Wait": {"Type": "Wait", "Seconds": 90, "Next": "Read"},
            "Read": {
                "Type": "Pass",
                "Parameters": {
                    "entered.$": "$$.State.EnteredTime",
                    "start.$": "$$.Execution.StartTime",
                },
                "End": True,
            },
        },
    }
    driver = Driver(definition)
    driver.start({})
    driver.fire_next()
    assert driver.output == {
        "entered": format_timestamp(T0 + 90),
        "start": format_timestamp(T0),
    }


def test_task_token_exists_only_in_a_task() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {"Type": "Task", "Resource": "task:t", "Parameters": {"ctx.$": "$$"}, "Next": "P"},
            "P": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True},
        },
    }
    driver = Driver(definition)
    driver.start({})
    job = driver.job("T")
    assert job.input["ctx"]["Task"] == {"Token": job.token}
    driver.succeed(job, {})
    assert "Task" not in driver.output["ctx"]
    assert "Map" not in driver.output["ctx"]


def test_map_item_exists_only_in_the_item_selector() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemSelector": {"item.$": "$$.Map.Item", "value.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "StartAt": "In",
                    "States": {
                        "In": {
                            "Type": "Pass",
                            "Parameters": {"sel.$": "$", "ctx.$": "$$"},
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    [first, second] = run_flow(definition, ["a", "b"]).output
    assert first["sel"] == {"item": {"Index": 0, "Value": "a"}, "value": "a"}
    assert second["sel"] == {"item": {"Index": 1, "Value": "b"}, "value": "b"}
    assert "Map" not in first["ctx"]
    assert first["ctx"]["State"]["Name"] == "In"


def test_retry_count_counts_retries_of_the_current_state() -> None:
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "task:t",
                "Parameters": {"n.$": "$$.State.RetryCount"},
                "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}],
                "End": True,
            }
        },
    }
    driver = Driver(definition)
    driver.start({})
    counts = [driver.job("T").input["n"]]
    for _ in range(2):
        driver.fail("T")
        driver.fire_next()
        counts.append(driver.job("T").input["n"])
    assert counts == [0, 1, 2]


def test_choice_rules_can_read_the_context() -> None:
    definition = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$$.Execution.Input.go", "BooleanEquals": True, "Next": "Yes"}
                ],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Result": "yes", "End": True},
            "No": {"Type": "Pass", "Result": "no", "End": True},
        },
    }
    assert run_flow(definition, {"go": True}).output == "yes"
    assert run_flow(definition, {"go": False}).output == "no"


def test_jsonata_reads_the_context_through_states_context() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Read",
        "States": {
            "Read": {
                "Type": "Pass",
                "Output": {
                    "id": "{% $states.context.Execution.Id %}",
                    "state": "{% $states.context.State.Name %}",
                    "machine": "{% $states.context.StateMachine.Name %}",
                },
                "End": True,
            }
        },
    }
    assert run_flow(definition, {}).output == {"id": FLOW, "state": "Read", "machine": "bp"}
