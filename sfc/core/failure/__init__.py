"""ASL errors: the predefined names, how Retry and Catch match them, and the raised form."""

from sfc.core.failure.error import AslError
from sfc.core.failure.names import StatesError, error_matches

__all__ = ["AslError", "StatesError", "error_matches"]
