"""The Elasticsearch index's indices: names, settings and explicit mappings.

Every index has ``dynamic: strict`` mappings: a document with a field not listed here is
refused rather than growing the mapping. Flow and step inputs and outputs are arbitrary
JSON, so they are ``object`` fields with ``enabled: false``: kept in ``_source`` (any JSON
value, objects or not), never parsed into fields. Full-text search goes through one
``text`` field per flow (its input and output as JSON text, error and cause), analysed
like SQLite's FTS5 ``unicode61`` tokenizer: words are runs of letters and digits, folded
to lower case and without diacritics.

Times are ``double`` seconds since the epoch, as the records carry them: searches sort,
filter and page on them exactly. Each has a ``date`` twin (epoch milliseconds) for
people querying the indices with Kibana or the like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

SCHEMA_VERSION: Final = 1
"""Recorded in each index's ``_meta``; a newer one than this SFC's is refused."""

TEMPLATE_PRIORITY: Final = 500
"""Above Elasticsearch's built-in templates (``logs-*-*`` and the like have 100)."""

ANALYZER: Final = "sfc_words"

ANALYSIS: Final[dict[str, Any]] = {
    "analyzer": {
        ANALYZER: {
            "type": "custom",
            "tokenizer": "sfc_words",
            "filter": ["lowercase", "asciifolding", "sfc_term_length"],
        }
    },
    "tokenizer": {"sfc_words": {"type": "pattern", "pattern": r"[^\p{L}\p{N}]+"}},
    # A pattern tokenizer keeps a run of 40,000 letters as one term, which Lucene refuses
    # (over 32,766 bytes): the whole flow would never be indexed. Cut terms short instead.
    "filter": {"sfc_term_length": {"type": "truncate", "length": 255}},
}

# Longer values stay in _source but are not indexed: Lucene refuses terms over 32,766 bytes.
_KEYWORD: Final = {"type": "keyword", "ignore_above": 8191}
_LONG_TEXT: Final = {"type": "keyword", "index": False, "doc_values": False}
_JSON: Final = {"type": "object", "enabled": False}
_SECONDS: Final = {"type": "double"}
_DATE: Final = {"type": "date", "format": "epoch_millis"}
_INT: Final = {"type": "integer"}
_LONG: Final = {"type": "long"}

FLOWS: Final[dict[str, Any]] = {
    "id": _KEYWORD,
    "key": _LONG,
    "blueprint": _KEYWORD,
    "version": _INT,
    "status": {"type": "keyword"},
    "correlation_id": _KEYWORD,
    "current_states": _KEYWORD,
    "started_at": _SECONDS,
    "ended_at": _SECONDS,
    "updated_at": _SECONDS,
    "started": _DATE,
    "ended": _DATE,
    "updated": _DATE,
    "last_seq": _LONG,
    "run": _INT,
    "input": _JSON,
    "output": _JSON,
    "error": _KEYWORD,
    "cause": _LONG_TEXT,
    "text": {"type": "text", "analyzer": ANALYZER},
    "carry": _JSON,
}
"""One document per flow, id: the flow id. ``key`` breaks ties between equal sort values
(a hash of the id); ``carry`` is what the exporter needs to fold the next events."""

STEPS: Final[dict[str, Any]] = {
    "flow_id": _KEYWORD,
    "seq": _LONG,
    "thread": _KEYWORD,
    "state": _KEYWORD,
    "status": {"type": "keyword"},
    "entered_at": _SECONDS,
    "exited_at": _SECONDS,
    "entered": _DATE,
    "exited": _DATE,
    "attempt": _INT,
    "input": _JSON,
    "output": _JSON,
    "error": _KEYWORD,
    "cause": _LONG_TEXT,
    "worker": _KEYWORD,
}
"""One document per ``StateEntered``, id: ``<flow id>:<seq>``."""

EVENTS: Final[dict[str, Any]] = {
    "flow_id": _KEYWORD,
    "seq": _LONG,
    "type": {"type": "keyword"},
    "at": _SECONDS,
    "time": _DATE,
    "event": _JSON,
}
"""One document per history event, id: ``<flow id>:<seq>``."""

FLOW_FACTS: Final[dict[str, Any]] = {
    "flow_id": _KEYWORD,
    "blueprint": _KEYWORD,
    "version": _INT,
    "status": {"type": "keyword"},
    "hour": _LONG,
    "at": _SECONDS,
    "time": _DATE,
    "seconds": _SECONDS,
    "bucket": _INT,
}
"""One document per flow start (status ``STARTED``) and per ending, for the statistics:
ids ``<flow id>:s<n>`` and ``<flow id>:e<n>`` (the flow's n-th start or ending)."""

STEP_FACTS: Final[dict[str, Any]] = {
    "flow_id": _KEYWORD,
    "blueprint": _KEYWORD,
    "version": _INT,
    "state": _KEYWORD,
    "status": {"type": "keyword"},
    "hour": _LONG,
    "at": _SECONDS,
    "time": _DATE,
    "seconds": _SECONDS,
    "bucket": _INT,
}
"""One document per step that ended, id ``<flow id>:<n>`` (the flow's n-th)."""


@dataclass(frozen=True)
class Indices:
    """The names of the store's indices, from the prefix.

    Attributes:
        prefix: The prefix every name starts with.
    """

    prefix: str

    @property
    def flows(self) -> str:
        """Flows."""
        return f"{self.prefix}-flows"

    @property
    def steps(self) -> str:
        """Steps."""
        return f"{self.prefix}-steps"

    @property
    def events(self) -> str:
        """Raw history events."""
        return f"{self.prefix}-events"

    @property
    def flow_facts(self) -> str:
        """Flow starts and endings, for the statistics."""
        return f"{self.prefix}-flow-facts"

    @property
    def step_facts(self) -> str:
        """Steps that ended, for the statistics."""
        return f"{self.prefix}-step-facts"

    def all(self) -> list[str]:
        """Every index, flows first."""
        return [self.flows, self.steps, self.events, self.flow_facts, self.step_facts]

    def properties(self, index: str) -> dict[str, Any]:
        """The mapped fields of one of the indices."""
        return {
            self.flows: FLOWS,
            self.steps: STEPS,
            self.events: EVENTS,
            self.flow_facts: FLOW_FACTS,
            self.step_facts: STEP_FACTS,
        }[index]

    def settings(self, index: str) -> dict[str, Any]:
        """The index settings of one of the indices (only flows are analysed)."""
        return {"analysis": ANALYSIS} if index == self.flows else {}

    def mappings(self, index: str) -> dict[str, Any]:
        """The whole mapping of one of the indices."""
        return {
            "dynamic": "strict",
            "_meta": meta(),
            "properties": self.properties(index),
        }


def meta() -> dict[str, Any]:
    """What the store writes into each mapping's ``_meta``."""
    return {"managed_by": "sfc", "schema": SCHEMA_VERSION}
