"""Which function runs each state type.

``ENTER`` maps a state type to the function that runs a thread that has just entered a
state of that type; ``PARENTS`` maps Parallel and Map to what happens when one of their
child threads finishes or fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sfc.core.blueprint.model import State, StateType
from sfc.core.interpreter.outcomes import Outcome
from sfc.core.interpreter.records import Thread
from sfc.core.interpreter.run import Run
from sfc.core.states import fail, join, map, parallel, pass_, succeed, task, wait
from sfc.core.states.choice import state as choice
from sfc.core.types import Json

Enter = Callable[[Run, Thread, State], Outcome]


class ParentHandlers(NamedTuple):
    """How a Parallel or Map state reacts to its children."""

    child_done: Callable[[Run, Thread, Thread, Json], Outcome | None]
    child_failed: Callable[[Run, Thread, Thread, str, str | None], Outcome | None]


ENTER: dict[StateType, Enter] = {
    StateType.TASK: task.enter,
    StateType.PASS: pass_.enter,
    StateType.CHOICE: choice.enter,
    StateType.WAIT: wait.enter,
    StateType.SUCCEED: succeed.enter,
    StateType.FAIL: fail.enter,
    StateType.PARALLEL: parallel.enter,
    StateType.MAP: map.enter,
    StateType.JOIN: join.enter,
}

PARENTS: dict[StateType, ParentHandlers] = {
    StateType.PARALLEL: ParentHandlers(parallel.child_done, parallel.child_failed),
    StateType.MAP: ParentHandlers(map.child_done, map.child_failed),
}
