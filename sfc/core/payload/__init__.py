"""JSONPath payload templates: ``Parameters``, ``ResultSelector``, ``ItemSelector``, ``Assign``."""

from sfc.core.payload.template import PayloadSyntaxError, compile_payload

__all__ = ["PayloadSyntaxError", "compile_payload"]
