"""Which blueprints would be better off with a pool of their own. Pure: no I/O.

A blueprint flagged ``"Sla": "high"``, or that starts more than
``scheduler.high_volume_flows_per_day`` flows a day, should have a *specific* pool: its
jobs then go to its own topic and its own workers, and neither waits behind the other
blueprints' jobs nor holds them up. A blueprint whose jobs already go to its own topic
(``messageType: specific``) but that no pool serves has its jobs wait forever.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import msgspec


@dataclass(frozen=True)
class BlueprintFacts:
    """What the advice looks at, for the latest version of a blueprint.

    Attributes:
        name: The blueprint.
        sla: ``standard`` or ``high`` (its ``Sla`` field).
        message_type: ``common`` or ``specific`` (its ``messageType``).
        flows_per_day: Flows started in the last 24 hours; None when unknown.
    """

    name: str
    sla: str = "standard"
    message_type: str = "common"
    flows_per_day: int | None = None


class Advice(msgspec.Struct, frozen=True, rename="camel"):
    """One piece of advice about a blueprint's pool.

    Attributes:
        blueprint: The blueprint.
        reasons: Why (``high SLA``, ``25,000 flows a day``, ``no pool``).
        message: What to do.
    """

    blueprint: str
    reasons: list[str]
    message: str


def advise(
    blueprints: Collection[BlueprintFacts], pools: Collection[str], threshold: int
) -> list[Advice]:
    """Advice for every blueprint that needs it, by name.

    Args:
        blueprints: The deployed blueprints.
        pools: The names of the pools that exist.
        threshold: Flows a day above which a blueprint should have its own pool.
    """
    found = (_advice(facts, facts.name in pools, threshold) for facts in blueprints)
    return sorted((advice for advice in found if advice is not None), key=lambda a: a.blueprint)


def _advice(facts: BlueprintFacts, has_pool: bool, threshold: int) -> Advice | None:
    reasons = _reasons(facts, threshold)
    specific = facts.message_type == "specific"
    set_pool = f"sfc pool set {facts.name} --module <handlers>"
    if reasons and not has_pool:
        first = "" if specific else 'set "messageType": "specific" in its definition and '
        return Advice(facts.name, reasons, f"give it a pool of its own: {first}{set_pool}")
    if reasons and not specific:
        return Advice(
            facts.name,
            reasons,
            'its pool gets no job until its definition says "messageType": "specific"',
        )
    if specific and not has_pool:
        return Advice(
            facts.name,
            ["no pool"],
            f"its jobs go to its own topic, which no pool serves: {set_pool}",
        )
    return None


def _reasons(facts: BlueprintFacts, threshold: int) -> list[str]:
    reasons = []
    if facts.sla == "high":
        reasons.append("high SLA")
    if facts.flows_per_day is not None and facts.flows_per_day > threshold:
        reasons.append(f"{facts.flows_per_day:,} flows a day")
    return reasons
