"""The pure core of SFC: blueprints, validation, and the interpreter's ``decide``.

Nothing in this package does I/O, reads the clock or draws random numbers of its own.
"""

from sfc.core.blueprint import Blueprint, load_blueprint
from sfc.core.interpreter.commands import (
    CancelJob,
    CancelTimer,
    Command,
    CompleteFlow,
    EmitEvent,
    HistoryEvent,
    Job,
    ScheduleJob,
    StartTimer,
    Subscribe,
    Unsubscribe,
)
from sfc.core.interpreter.context import Context, Decision
from sfc.core.interpreter.decide import decide
from sfc.core.interpreter.inputs import (
    Event,
    ExternalEvent,
    Pause,
    Restart,
    Resume,
    Retry,
    StartFlow,
    TaskFailed,
    TaskHeartbeat,
    TaskSucceeded,
    Terminate,
    TimerFired,
)
from sfc.core.interpreter.records import FlowState, Status

__all__ = [
    "Blueprint",
    "CancelJob",
    "CancelTimer",
    "Command",
    "CompleteFlow",
    "Context",
    "Decision",
    "EmitEvent",
    "Event",
    "ExternalEvent",
    "FlowState",
    "HistoryEvent",
    "Job",
    "Pause",
    "Restart",
    "Resume",
    "Retry",
    "ScheduleJob",
    "StartFlow",
    "StartTimer",
    "Status",
    "Subscribe",
    "TaskFailed",
    "TaskHeartbeat",
    "TaskSucceeded",
    "Terminate",
    "TimerFired",
    "Unsubscribe",
    "decide",
    "load_blueprint",
]
