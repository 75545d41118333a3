"""Valid ASL that SFC cannot run is refused when compiled, naming what and where."""

from __future__ import annotations

import pytest

from sfc.core.blueprint import compile_blueprint
from sfc.core.validation import InvalidBlueprintError, validate


def test_distributed_map_fields_sfc_cannot_run_are_refused_with_their_pointer() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {}},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    assert validate(definition) == [], "it is valid ASL"
    with pytest.raises(InvalidBlueprintError) as refused:
        compile_blueprint(definition)
    assert [(p.pointer, p.code) for p in refused.value.problems] == [
        ("/States/Each/ItemReader", "unsupported")
    ]
