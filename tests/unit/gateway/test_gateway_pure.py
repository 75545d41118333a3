"""The gateway's pure parts: ids, blueprint diffs, the OpenAPI document, error statuses."""

from __future__ import annotations

import uuid

from sfc.core.validation import InvalidBlueprintError, Problem
from sfc.errors import ConflictError, InputError, SfcError, UnavailableError
from sfc.gateway import ROUTES, ids
from sfc.gateway.diff import state_changes, unified_diff
from sfc.gateway.errors import MissingError, PayloadTooLargeError, UnauthorizedError, status_of
from sfc.gateway.openapi import build_document

OLD = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}
NEW = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Succeed"}}}


def test_ids_are_random_without_a_key_and_stable_with_one() -> None:
    assert ids.flow_id("orders", None) != ids.flow_id("orders", None)
    keyed = ids.flow_id("orders", "k")
    assert keyed == ids.flow_id("orders", "k")
    assert keyed != ids.flow_id("billing", "k")
    assert uuid.UUID(keyed).version == 5
    assert ids.message_id("f", "pause", "k") == ids.message_id("f", "pause", "k")
    assert ids.message_id("f", "pause", "k") != ids.message_id("f", "resume", "k")
    assert ids.message_id("f", "pause", None) != ids.message_id("f", "pause", None)


def test_state_changes_and_the_unified_diff() -> None:
    changes = state_changes(OLD, NEW)
    assert (changes.added, changes.removed, changes.changed) == (["C"], ["B"], ["A"])
    text = unified_diff(OLD, NEW, "a@1", "a@2")
    assert text.startswith("--- a@1\n+++ a@2\n")
    assert '-      "Next": "B"' in text
    assert '+      "Next": "C"' in text
    assert unified_diff(OLD, OLD, "a@1", "a@1") == ""
    assert state_changes(None, OLD).added == ["A", "B"]


def test_every_error_kind_has_its_status() -> None:
    problems = [Problem("/StartAt", "start-missing", "no such state")]
    cases: list[tuple[SfcError, int]] = [
        (InvalidBlueprintError(problems), 400),
        (InputError("bad", field="x"), 400),
        (UnauthorizedError("who"), 401),
        (MissingError("gone", field="id"), 404),
        (ConflictError("disabled"), 409),
        (PayloadTooLargeError("big"), 413),
        (UnavailableError("down"), 503),
        (SfcError("other"), 500),
    ]
    for error, status in cases:
        assert status_of(error) == status, error


def test_the_document_has_one_operation_per_route_with_unique_ids() -> None:
    document = build_document(ROUTES)
    operations = [
        operation for methods in document["paths"].values() for operation in methods.values()
    ]
    assert len(operations) == len(ROUTES)
    operation_ids = [operation["operationId"] for operation in operations]
    assert len(set(operation_ids)) == len(operation_ids)
    version = document["paths"]["/api/v1/blueprints/{name}/versions/{version}"]["get"]
    assert [p["name"] for p in version["parameters"]] == ["name", "version"]
    assert version["parameters"][1]["schema"]["type"] == "integer"
    unavailable = document["paths"]["/api/v1/flows"]["post"]["responses"]["503"]
    assert "Retry-After" in unavailable["headers"]
