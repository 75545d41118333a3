"""The compiled blueprint: what the interpreter runs.

Every expression in it is already parsed into a function, so running a state evaluates
and never parses. Compiled parts are frozen dataclasses; they are built once per
blueprint version and never serialised (flows refer to a blueprint by name and version).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sfc.core.blueprint.resources import Resource
from sfc.core.dataflow import Dataflow
from sfc.core.scope import Evaluator, Scope
from sfc.core.types import Json

Predicate = Callable[[Json, Scope], bool]


class StateType(StrEnum):
    """The ``Type`` of a state; ``Join`` is SFC's extension."""

    TASK = "Task"
    PASS = "Pass"
    CHOICE = "Choice"
    WAIT = "Wait"
    SUCCEED = "Succeed"
    FAIL = "Fail"
    PARALLEL = "Parallel"
    MAP = "Map"
    JOIN = "Join"


@dataclass(frozen=True, slots=True)
class Retrier:
    """One entry of a state's ``Retry``."""

    error_equals: tuple[str, ...]
    interval_seconds: float = 1.0
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    full_jitter: bool = False

    def delay(self, retries_done: int, draw: Callable[[], float]) -> float:
        """Seconds to wait before retry number ``retries_done + 1``.

        Args:
            retries_done: How many times this retrier has already retried the state.
            draw: A uniform random number in [0, 1), used only with full jitter.
        """
        delay = self.interval_seconds * self.backoff_rate**retries_done
        if self.max_delay_seconds is not None:
            delay = min(delay, self.max_delay_seconds)
        return delay * draw() if self.full_jitter else delay


@dataclass(frozen=True, slots=True)
class Catcher:
    """One entry of a state's ``Catch``; its dataflow maps the error output."""

    error_equals: tuple[str, ...]
    next: str
    flow: Dataflow


@dataclass(frozen=True, slots=True, kw_only=True)
class State:
    """What every state has.

    Attributes:
        name: The state's name.
        type: Its ``Type``.
        pointer: JSON pointer of the state in the blueprint.
        next: The state that follows, or None when the state ends its scope.
        flow: Its input / output processing.
        reads_scope: False when running it never reads variables, the context object or
            randomness, so the interpreter need not build a scope for it.
    """

    name: str
    type: StateType
    pointer: str
    next: str | None
    flow: Dataflow
    reads_scope: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Recoverable(State):
    """A state that may fail with errors that ``Retry`` and ``Catch`` handle."""

    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PassState(State):
    """``Pass``: its result is ``Result`` when given, else its effective input."""

    result: Json = None
    has_result: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskState(Recoverable):
    """``Task``: a job for the executor, a worker or a Kafka service.

    ``timeout`` and ``heartbeat`` give seconds from the raw input and scope (a constant,
    a ``...Path`` or a JSONata expression); ``timeout`` is None for the default.
    """

    resource: Resource
    timeout: Evaluator | None = None
    heartbeat: Evaluator | None = None
    reply_topic: str | None = None


@dataclass(frozen=True, slots=True)
class ChoiceBranch:
    """One Choice rule, where it leads, and its own Assign / Output."""

    predicate: Predicate
    next: str
    flow: Dataflow


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceState(State):
    """``Choice``: the first rule that holds picks the next state, else ``Default``."""

    choices: tuple[ChoiceBranch, ...]
    default: str | None = None


class WaitKind(StrEnum):
    """Whether a Wait's value is a number of seconds or a timestamp."""

    SECONDS = "seconds"
    TIMESTAMP = "timestamp"


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitState(State):
    """``Wait``: ``until`` gives seconds or a timestamp from the effective input."""

    kind: WaitKind
    until: Evaluator


@dataclass(frozen=True, slots=True, kw_only=True)
class SucceedState(State):
    """``Succeed``: ends its scope successfully."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FailState(State):
    """``Fail``: ends its scope with an error; each part evaluated from the raw input."""

    error: Evaluator | None = None
    cause: Evaluator | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelState(Recoverable):
    """``Parallel``: runs every branch (a nested scope, by pointer) on the same input."""

    branches: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MapState(Recoverable):
    """``Map``: runs its processor (a nested scope, by pointer) once per item.

    Attributes:
        items: The array to iterate, from the effective input and scope.
        item_input: An iteration's input (ItemSelector) from the effective input and a
            scope whose context object holds ``Map.Item``; None means the item itself.
        max_concurrency: How many iterations may run at once (0 = no limit).
        tolerated_count: Failed iterations tolerated, or None.
        tolerated_percentage: Failed iterations tolerated in percent, or None.
    """

    processor: str
    items: Evaluator
    item_input: Evaluator | None = None
    max_concurrency: Evaluator | None = None
    tolerated_count: Evaluator | None = None
    tolerated_percentage: Evaluator | None = None


class JoinMode(StrEnum):
    """Whether a Join waits for all its events or the first one."""

    ALL = "ALL"
    ANY = "ANY"


@dataclass(frozen=True, slots=True)
class JoinEvent:
    """One event a Join waits for.

    Attributes:
        name: The event's name; its payload is found under this name in the result.
        key: The correlation key, from the effective input and scope.
        source: ``kafka://<topic>`` the event arrives on, if it comes from Kafka.
        message_key_path: Where the key is in an incoming message (default: its Kafka key).
    """

    name: str
    key: Evaluator
    source: str | None = None
    message_key_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinState(Recoverable):
    """``Join`` (SFC): waits for external events correlated to the flow by a key."""

    events: tuple[JoinEvent, ...]
    mode: JoinMode = JoinMode.ALL
    timeout: Evaluator | None = None


@dataclass(frozen=True, slots=True)
class StateMachine:
    """A scope of states: the blueprint itself, a Parallel branch or a Map processor."""

    pointer: str
    start_at: str
    states: Mapping[str, State]


@dataclass(frozen=True, slots=True)
class Trigger:
    """A Kafka topic whose every message starts a flow of the blueprint."""

    source: str
    idempotency_key_path: str | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Blueprint:
    """A compiled, immutable blueprint version.

    Attributes:
        name: The blueprint's name in the registry.
        version: Its version number (1, 2, ...).
        definition: The ASL JSON it was compiled from.
        machines: Every scope, by JSON pointer; ``""`` is the top level.
        timeout_seconds: The flow's ``TimeoutSeconds``, if any.
        message_type: ``common`` or ``specific`` job routing.
        sla: ``standard`` or ``high``.
        triggers: Kafka topics that start flows.
    """

    name: str
    version: int
    definition: Json
    machines: Mapping[str, StateMachine]
    timeout_seconds: float | None = None
    message_type: str = "common"
    sla: str = "standard"
    triggers: tuple[Trigger, ...] = field(default=())

    @property
    def root(self) -> StateMachine:
        """The top-level scope."""
        return self.machines[""]

    def state(self, machine: str, name: str) -> State:
        """The state ``name`` of the scope at pointer ``machine``."""
        return self.machines[machine].states[name]
