"""Executions/s and state transitions/s of the pure core on the peer benchmark machines.

Runs each machine of ``benchmarks/machines/`` (the same ASL files peers are measured on)
in this one process with the local runner, checks its output, and prints the figures
next to those of an established Node ASL interpreter on the same 2-core machine.

    python -m benchmarks.core [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from sfc.core.blueprint import load_blueprint
from sfc.runner import LocalRunner

MACHINES = Path(__file__).parent / "machines"

# name: (input, expected output, Node reference executions/s)
CASES: dict[str, tuple[Any, Any, float]] = {
    "pass10": (
        {"value": 42},
        {"value": 42, "last": {"value": 42, "step": 10, "prev": 9}},
        4_000,
    ),
    "choice100": ({}, {"count": 100, "limit": 100}, 120),
    "map100": (
        {},
        {
            "items": list(range(1, 101)),
            "results": [{"item": i, "ok": True} for i in range(1, 101)],
        },
        175,
    ),
    "parallel4x3": (
        {"value": 7},
        {"value": 7, "branches": [{"value": 7, "branch": b, "step": 3} for b in range(1, 5)]},
        2_500,
    ),
    "task2": ({"i": 1}, {"i": 1, "a": 1, "b": 2}, 45_000),
}

TASKS = {
    "StepA": lambda data: {**data, "a": 1},
    "StepB": lambda data: {**data, "b": 2},
}


def measure(name: str, seconds: float) -> tuple[float, int]:
    """Run one machine for about ``seconds``; return executions/s and transitions each."""
    flow_input, expected, _ = CASES[name]
    definition = json.loads((MACHINES / f"{name}.asl.json").read_text())
    blueprint = load_blueprint(definition, name)
    probe = LocalRunner(blueprint, TASKS, history=True)
    result = probe.run(flow_input)
    if result.status != "SUCCEEDED" or result.output != expected:
        raise SystemExit(f"{name}: wrong result {result}")
    transitions = sum(1 for e in probe.events if e.type == "StateEntered")
    runner = LocalRunner(blueprint, TASKS)
    for _ in range(20):
        runner.run(flow_input)
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(10):
            runner.run(flow_input)
        count += 10
    return count / (time.perf_counter() - started), transitions


def main() -> None:
    """Print a table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per machine")
    args = parser.parse_args()
    print(f"{'machine':<12} {'exec/s':>10} {'transitions/s':>14} {'Node exec/s':>12} {'ratio':>6}")
    for name, (_, _, reference) in CASES.items():
        rate, transitions = measure(name, args.seconds)
        print(
            f"{name:<12} {rate:>10,.0f} {rate * transitions:>14,.0f} "
            f"{reference:>12,.0f} {rate / reference:>5.1f}x"
        )


if __name__ == "__main__":
    main()
