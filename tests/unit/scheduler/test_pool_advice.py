"""Advice: which blueprints would be better off with a pool of their own."""

from __future__ import annotations

from sfc.scheduler.advice import BlueprintFacts, advise

THRESHOLD = 10_000


def test_a_high_sla_blueprint_without_a_pool_is_advised_to_get_one() -> None:
    [advice] = advise([BlueprintFacts("vip", sla="high")], {"common"}, THRESHOLD)
    assert advice.blueprint == "vip"
    assert advice.reasons == ["high SLA"]
    assert '"messageType": "specific"' in advice.message
    assert "sfc pool set vip --module <handlers>" in advice.message


def test_more_than_the_threshold_of_flows_a_day_calls_for_a_pool() -> None:
    busy = BlueprintFacts("busy", flows_per_day=12_345)
    [advice] = advise([busy], {"common"}, THRESHOLD)
    assert advice.reasons == ["12,345 flows a day"]
    assert advise([BlueprintFacts("calm", flows_per_day=10_000)], {"common"}, THRESHOLD) == []
    assert advise([BlueprintFacts("unknown", flows_per_day=None)], {"common"}, THRESHOLD) == []


def test_both_reasons_are_given_and_a_specific_blueprint_needs_only_the_pool() -> None:
    facts = BlueprintFacts("hot", sla="high", message_type="specific", flows_per_day=50_000)
    [advice] = advise([facts], {"common"}, THRESHOLD)
    assert advice.reasons == ["high SLA", "50,000 flows a day"]
    assert "messageType" not in advice.message
    assert "sfc pool set hot" in advice.message


def test_a_pool_that_gets_no_job_and_a_topic_no_pool_serves_are_pointed_out() -> None:
    pooled_but_common = BlueprintFacts("vip", sla="high", message_type="common")
    orphan = BlueprintFacts("own", message_type="specific")
    found = advise([orphan, pooled_but_common], {"common", "vip"}, THRESHOLD)
    assert [a.blueprint for a in found] == ["own", "vip"]
    assert found[0].reasons == ["no pool"]
    assert "no pool serves" in found[0].message
    assert "gets no job" in found[1].message


def test_blueprints_that_are_well_served_get_no_advice() -> None:
    facts = [
        BlueprintFacts("plain", flows_per_day=100),
        BlueprintFacts("vip", sla="high", message_type="specific"),
    ]
    assert advise(facts, {"common", "vip"}, THRESHOLD) == []
