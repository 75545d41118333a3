"""`sfc blueprint validate` and `sfc blueprint exec`: the contract other tools rely on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sfc.cli.main import app

RUNNER = CliRunner()
SUCCEED = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'


def _write(folder: Path, name: str, definition: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(definition) if not isinstance(definition, str) else definition)
    return path


def _exec(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, ["blueprint", "exec", *args])
    return result.exit_code, result.stdout, result.stderr


def test_validate_reports_each_problem_with_its_pointer_and_exits_1(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.asl.json", {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
    bad = _write(
        tmp_path,
        "bad.asl.json",
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}},
    )
    result = RUNNER.invoke(app, ["blueprint", "validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{good}: valid" in result.stdout
    assert f"{bad}: /States/A/Next:" in result.stdout
    assert "[next-missing]" in result.stdout
    only_good = RUNNER.invoke(app, ["blueprint", "validate", str(good)])
    assert only_good.exit_code == 0


def test_validate_as_json_and_on_malformed_text(tmp_path: Path) -> None:
    broken = _write(tmp_path, "broken.json", '{"StartAt": "A", ')
    result = RUNNER.invoke(app, ["blueprint", "validate", "--format", "json", str(broken)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["file"] == str(broken)
    assert report["problems"][0]["code"] == "json-syntax"


def test_validate_refuses_valid_asl_that_sfc_cannot_run(tmp_path: Path) -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {}},
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    }
    result = RUNNER.invoke(
        app, ["blueprint", "validate", str(_write(tmp_path, "m.json", definition))]
    )
    assert result.exit_code == 1
    assert "/States/Each/ItemReader" in result.stdout
    assert "[unsupported]" in result.stdout


def test_exec_prints_exactly_one_json_object_with_the_outcome(repo: Path) -> None:
    code, out, err = _exec(
        str(repo / "blueprints" / "hello.asl.json"),
        "--input",
        '{"name": "grace"}',
        "--task",
        "LookUp=workers.examples:look_up",
        "--task",
        "Greet=workers.examples:greet",
    )
    assert code == 0, err
    assert json.loads(out) == {
        "status": "SUCCEEDED",
        "output": {"greeting": "Hello, Grace Hopper!"},
        "error": None,
        "cause": None,
    }
    assert out.strip().count("\n") == 0


def test_exec_exits_0_for_a_failed_flow_and_reads_input_from_a_file(tmp_path: Path) -> None:
    failing = {
        "StartAt": "No",
        "States": {"No": {"Type": "Fail", "Error": "Order.Rejected", "Cause": "too big"}},
    }
    flow_input = _write(tmp_path, "input.json", {"size": 99})
    code, out, _ = _exec(str(_write(tmp_path, "f.json", failing)), "--input", f"@{flow_input}")
    assert code == 0
    assert json.loads(out) == {
        "status": "FAILED",
        "output": None,
        "error": "Order.Rejected",
        "cause": "too big",
    }


def test_exec_fast_timers_make_a_one_hour_wait_instant_and_can_time_out(tmp_path: Path) -> None:
    waiting = {
        "StartAt": "Sleep",
        "States": {
            "Sleep": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    started = time.monotonic()
    code, out, _ = _exec(str(_write(tmp_path, "w.json", waiting)), "--fast-timers")
    assert code == 0
    assert json.loads(out)["status"] == "SUCCEEDED"
    assert time.monotonic() - started < 10
    timed = {**waiting, "TimeoutSeconds": 60}
    code, out, _ = _exec(str(_write(tmp_path, "t.json", timed)), "--fast-timers")
    assert json.loads(out)["status"] == "TIMED_OUT"
    assert json.loads(out)["error"] == "States.Timeout"


@pytest.mark.parametrize(
    ("blueprint", "flow_input", "message"),
    [
        ('{"StartAt": "X", "States": {}}', "{}", "not a valid blueprint"),
        (
            '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}',
            "{bad",
            "--input is not valid JSON",
        ),
        ('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', "@/no/such/file", "cannot read"),
    ],
)
def test_exec_exits_1_with_a_message_on_bad_blueprint_or_input(
    tmp_path: Path, blueprint: str, flow_input: str, message: str
) -> None:
    code, out, err = _exec(str(_write(tmp_path, "b.json", blueprint)), "--input", flow_input)
    assert code == 1
    assert out == ""
    assert message in err


def test_exec_a_task_without_a_function_fails_the_flow_not_the_command(tmp_path: Path) -> None:
    task = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": "task:nobody", "End": True}},
    }
    code, out, _ = _exec(str(_write(tmp_path, "t.json", task)))
    assert code == 0
    assert json.loads(out)["error"] == "SFC.NoTaskFunction"
