"""JSONPath payload templates: ``Parameters``, ``ResultSelector``, ``ItemSelector``, ``Assign``."""

from sfc.core.payload.template import PayloadSyntaxError, compile_payload, reads_scope

__all__ = ["PayloadSyntaxError", "compile_payload", "reads_scope"]
