"""JSONPath as ASL uses it: Paths, Reference Paths, and the ``$$`` and ``$var`` roots."""

from sfc.core.paths.jsonpath import (
    Path,
    PathSyntaxError,
    ReferencePath,
    compile_path,
    compile_reference_path,
    is_path,
)

__all__ = [
    "Path",
    "PathSyntaxError",
    "ReferencePath",
    "compile_path",
    "compile_reference_path",
    "is_path",
]
