"""Restart: the flow runs again from its first state, as a new run."""

from __future__ import annotations

from flow_harness import FLOW, T0, Driver, blueprint

from sfc.core import CancelJob, CancelTimer, Restart, ScheduleJob, Status, Unsubscribe

FLOW_DEF = {
    "StartAt": "A",
    "States": {
        "A": {
            "Type": "Task",
            "Resource": "kafka://work",
            "Parameters": {"in.$": "$", "start.$": "$$.Execution.StartTime"},
            "HeartbeatSeconds": 30,
            "Next": "J",
        },
        "J": {
            "Type": "Join",
            "Events": [{"Name": "Go", "CorrelationKeyPath": "$.k"}],
            "End": True,
        },
    },
}


def test_restarting_a_running_flow_cancels_everything_and_starts_over() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"}, correlation_id="corr")
    old = driver.job("A")
    heartbeat = driver.next_timer()
    driver.now = T0 + 100
    decision = driver.restart()
    assert CancelJob(old.token, "kafka://work") in decision.commands
    assert CancelTimer(heartbeat) in decision.commands
    [schedule] = [c for c in decision.commands if isinstance(c, ScheduleJob)]
    assert schedule.job.token != old.token
    assert schedule.job.input["in"] == {"k": "one"}
    assert schedule.job.input["start"].startswith("2023-11-14T22:15:00")
    assert driver.state.run == 1
    assert driver.state.correlation_id == "corr"
    assert driver.types()[-4:] == [
        "FlowRestarted",
        "FlowStarted",
        "StateEntered",
        "TaskScheduled",
    ]


def test_restart_with_new_input_or_keeping_the_old() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"})
    driver.restart({"k": "two"}, replace_input=True)
    assert driver.job("A").input["in"] == {"k": "two"}
    assert driver.state.input == {"k": "two"}
    driver.restart({"ignored": True})
    assert driver.job("A").input["in"] == {"k": "two"}
    assert driver.state.run == 2


def test_restart_unsubscribes_a_waiting_join() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"})
    driver.succeed("A", {"k": "one"})
    decision = driver.restart()
    assert Unsubscribe("Go", "one") in decision.commands


def test_an_ended_flow_can_be_restarted_and_ends_again() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"})
    driver.fail("A")
    assert driver.completion().status is Status.FAILED
    driver.restart()
    assert driver.state.status is Status.RUNNING
    assert (driver.state.error, driver.state.stranded, driver.state.redrives) == (None, None, 0)
    driver.succeed("A", {"k": "one"})
    driver.send("Go", "one", "go")
    assert driver.status is Status.SUCCEEDED


def test_a_redelivered_restart_is_applied_once() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"})
    message = Restart("restart-1", FLOW)
    driver.apply(message)
    restarted = driver.state
    again = driver.apply(message)
    assert (again.flow, again.commands) == (restarted, ())
    assert again.note is not None


def test_restart_on_a_newer_blueprint_version() -> None:
    driver = Driver(FLOW_DEF)
    driver.start({"k": "one"})
    old = driver.job("A")
    v2 = blueprint(
        {"StartAt": "Other", "States": {"Other": {"Type": "Pass", "End": True}}}, version=2
    )
    decision = driver.apply(Restart("r", FLOW, latest=True), blueprint=v2)
    # The old version's job is cancelled though the new version has no state "A".
    assert CancelJob(old.token, "kafka://work") in decision.commands
    assert driver.status is Status.SUCCEEDED
    assert driver.state.version == 2
    assert driver.entered()[-1] == "Other"
