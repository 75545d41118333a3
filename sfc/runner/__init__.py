"""Run a flow in-process on the pure core, calling local Python functions for tasks."""

from sfc.runner.local import LocalRunner, RunResult, TaskFunction, resolve_task_functions

__all__ = ["LocalRunner", "RunResult", "TaskFunction", "resolve_task_functions"]
