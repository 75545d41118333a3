"""The bridge's Prometheus metrics."""

from prometheus_client import Counter, Gauge

REPLIES = Counter(
    "sfc_bridge_replies_total",
    "Replies of kafka:// services turned into task results, by outcome",
    ["outcome"],
)
TRIGGERED = Counter(
    "sfc_bridge_flows_triggered_total",
    "StartFlow commands sent for trigger messages, by blueprint",
    ["blueprint"],
)
TRIGGER_SKIPPED = Counter(
    "sfc_bridge_trigger_messages_skipped_total", "Trigger messages skipped (not JSON)"
)
JOIN_EVENTS = Counter(
    "sfc_bridge_join_events_total",
    "Messages of Join event sources, by what became of them",
    ["outcome"],
)
EARLY_EVENTS = Gauge(
    "sfc_bridge_early_events", "Join event messages kept until a flow subscribes to their key"
)
SUBSCRIPTIONS = Gauge("sfc_bridge_subscriptions", "Flows waiting for Join events, by (event, key)")
PRODUCE_RETRIES = Counter(
    "sfc_bridge_produce_retries_total", "Batches of commands the bridge had to send again"
)
