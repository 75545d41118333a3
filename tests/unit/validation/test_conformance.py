"""Agreement with the test suites of asl-validator and statelint (see docs/conformance.md).

Each definition of the corpus is validated as text, exactly as ``sfc blueprint validate``
validates a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sfc.core.validation import validate_text

CORPUS = Path(__file__).parent / "conformance"
MANIFEST: dict[str, Any] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
FILES: list[dict[str, Any]] = MANIFEST["files"]
MINIMUM_AGREEMENT = 0.97

DISAGREEMENTS: dict[str, str] = {
    "definitions/asl-validator__valid-assign.asl.json": (
        "assigns a variable named 'top-level'; Step Functions requires variable names to be "
        "Unicode identifiers (no '-'), and neither JSONPath nor JSONata could read it"
    ),
    "definitions/asl-validator__valid-current-value-predicate.json": (
        "the filter [?(@.OutputKey == FooBar)] compares with an unquoted word; Step Functions' "
        "JSONPath (Jayway) needs string literals quoted, asl-validator evaluates it as script"
    ),
    "definitions/asl-validator__valid-map-with-item-batcher-jsonata.json": (
        "a JSONPath state inside a blueprint whose top-level QueryLanguage is JSONata; AWS "
        "documents that a JSONata state machine cannot revert to JSONPath states"
    ),
    "definitions/asl-validator__valid-path-array-context.json": (
        "the script expression $[(@.length-1)] is jsonpath-plus (JavaScript) syntax that "
        "Step Functions' JSONPath does not support; use $[-1]"
    ),
    "definitions/asl-validator__valid-task-intrisic-function.json": (
        "its Task resources are CloudFormation objects (Fn::GetAtt, Ref), which tooling "
        "replaces before deployment; SFC runs blueprints as written, and an object is no "
        "resource it could call"
    ),
    "definitions/taro-kayo-statelint__pass-with-intrinsic-function-inputpath.json": (
        "the upstream linters disagree on this file (manifest 'disagreements'): awslabs "
        "statelint rejects an intrinsic function in InputPath, as AWS does; so do we"
    ),
}


def _verdict(entry: dict[str, Any]) -> str:
    text = (CORPUS / entry["file"]).read_text("utf-8")
    return "valid" if not validate_text(text) else "invalid"


def _cases() -> list[Any]:
    cases = []
    for entry in FILES:
        reason = DISAGREEMENTS.get(entry["file"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        cases.append(
            pytest.param(entry, id=entry["file"].removeprefix("definitions/"), marks=marks)
        )
    return cases


@pytest.mark.parametrize("entry", _cases())
def test_verdict_matches_upstream(entry: dict[str, Any]) -> None:
    assert _verdict(entry) == entry["expected"]


def test_agreement_rate_is_at_least_97_percent() -> None:
    agreeing = sum(_verdict(entry) == entry["expected"] for entry in FILES)
    rate = agreeing / len(FILES)
    assert rate >= MINIMUM_AGREEMENT, f"{agreeing}/{len(FILES)} = {rate:.2%}"


def test_every_listed_disagreement_is_in_the_corpus() -> None:
    assert set(DISAGREEMENTS) <= {entry["file"] for entry in FILES}


def test_corpus_is_complete_and_unmodified() -> None:
    import hashlib

    assert len(FILES) == MANIFEST["counts"]["total"] == 232
    for entry in FILES:
        digest = hashlib.sha256((CORPUS / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], entry["file"]
