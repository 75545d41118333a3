"""JSONata, ASL's second query language: ``{% expression %}`` strings and ``$states``.

A state with ``"QueryLanguage": "JSONata"`` writes expressions as ``"{% ... %}"`` strings
in Arguments, Output, Assign, Condition, Items, Seconds and the like. Each is parsed once,
when the blueprint is compiled (:func:`compile_jsonata_template`), and evaluated against a
:class:`~sfc.core.scope.Scope`: ``$states.input``, ``$states.result``,
``$states.errorOutput``, ``$states.context`` and every workflow variable as ``$name``.
"""

from sfc.core.jsonata.syntax import JsonataSyntaxError, is_jsonata
from sfc.core.jsonata.template import JsonataEvaluator, compile_jsonata_template

__all__ = ["JsonataEvaluator", "JsonataSyntaxError", "compile_jsonata_template", "is_jsonata"]
