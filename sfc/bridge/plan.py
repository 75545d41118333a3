"""What the bridge must consume, read off the deployed blueprints (pure code).

Reply topics and Join sources come from every version of every blueprint, enabled or
not, because flows keep running on the version they started with. Triggers come from the
latest version of each blueprint only (a new version's Triggers replace the old ones),
and start flows only while the blueprint is enabled.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sfc.bridge.convention import topic_of
from sfc.core.blueprint import Blueprint, ResourceKind
from sfc.core.blueprint.model import JoinState, State, TaskState
from sfc.core.validation import InvalidBlueprintError
from sfc.registry import Catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TriggerTarget:
    """A blueprint version that a message on a trigger topic starts.

    Attributes:
        blueprint: The blueprint's name.
        version: The version whose Triggers these are (its flows pin it).
        key_path: Where the message carries its idempotency key, if anywhere.
    """

    blueprint: str
    version: int
    key_path: str | None = None


@dataclass(frozen=True)
class JoinEventSpec:
    """An event name a Join expects on a topic, and where messages carry its key."""

    name: str
    key_path: str | None = None


@dataclass(frozen=True)
class Plan:
    """The topics the bridge consumes and what each means.

    Attributes:
        reply_topics: Output topics of ``kafka://`` services (Tasks' ``ReplyTopic``).
        task_topics: Input topics of ``kafka://`` services.
        trigger_topics: Topics named by the Triggers of each blueprint's latest version.
        triggers: Of those, the topics whose blueprint is enabled, with what they start.
        join_sources: Topics Join events come from, with the events expected on each.
    """

    reply_topics: frozenset[str] = frozenset()
    task_topics: frozenset[str] = frozenset()
    trigger_topics: frozenset[str] = frozenset()
    triggers: dict[str, tuple[TriggerTarget, ...]] = field(default_factory=dict)
    join_sources: dict[str, frozenset[JoinEventSpec]] = field(default_factory=dict)

    def topics(self) -> frozenset[str]:
        """Every topic the blueprints name."""
        return (
            self.reply_topics
            | self.task_topics
            | self.trigger_topics
            | frozenset(self.join_sources)
        )


def signature(catalog: Catalog) -> tuple[tuple[str, int, bool], ...]:
    """What the plan depends on: each blueprint's number of versions and enabled flag."""
    return tuple(
        (name, len(catalog.versions(name)), catalog.enabled(name)) for name in catalog.names()
    )


def plan_of(catalog: Catalog) -> Plan:
    """The plan for every blueprint the catalog holds (invalid versions are skipped)."""
    replies: set[str] = set()
    tasks: set[str] = set()
    trigger_topics: set[str] = set()
    triggers: dict[str, list[TriggerTarget]] = defaultdict(list)
    sources: dict[str, set[JoinEventSpec]] = defaultdict(set)
    for name in catalog.names():
        versions = [found for found in _compiled(catalog, name) if found is not None]
        for blueprint in versions:
            for state in _states(blueprint):
                _note_state(state, replies, tasks, sources)
        latest = _compiled_latest(catalog, name)
        if latest is None:
            continue
        for trigger in latest.triggers:
            topic = topic_of(trigger.source)
            if topic is None:
                continue
            trigger_topics.add(topic)
            if trigger.enabled and catalog.enabled(name):
                target = TriggerTarget(name, latest.version, trigger.idempotency_key_path)
                triggers[topic].append(target)
    return Plan(
        frozenset(replies),
        frozenset(tasks),
        frozenset(trigger_topics),
        {topic: tuple(targets) for topic, targets in triggers.items()},
        {topic: frozenset(specs) for topic, specs in sources.items()},
    )


def _note_state(
    state: State, replies: set[str], tasks: set[str], sources: dict[str, set[JoinEventSpec]]
) -> None:
    if isinstance(state, TaskState) and state.resource.kind is ResourceKind.KAFKA:
        tasks.add(state.resource.name)
        if state.reply_topic:
            replies.add(state.reply_topic)
    elif isinstance(state, JoinState):
        for event in state.events:
            topic = topic_of(event.source) if event.source else None
            if topic is not None:
                sources[topic].add(JoinEventSpec(event.name, event.message_key_path))


def _states(blueprint: Blueprint) -> Iterator[State]:
    for machine in blueprint.machines.values():
        yield from machine.states.values()


def _compiled(catalog: Catalog, name: str) -> Iterator[Blueprint | None]:
    for found in catalog.versions(name):
        yield _compile(catalog, name, found.version)


def _compiled_latest(catalog: Catalog, name: str) -> Blueprint | None:
    latest = catalog.version(name)
    return _compile(catalog, name, latest.version) if latest is not None else None


def _compile(catalog: Catalog, name: str, version: int) -> Blueprint | None:
    try:
        return catalog.blueprint(name, version)
    except InvalidBlueprintError as exc:
        # Deployed by another tool than SFC's (which validates): nothing to consume for it.
        log.warning(
            "blueprint %s version %d is invalid; the bridge ignores it: %s", name, version, exc
        )
        return None
