"""The Choice state: its rules and the state itself."""

from sfc.core.states.choice.errors import ChoiceRuleError
from sfc.core.states.choice.rules import Predicate, compile_rule

__all__ = ["ChoiceRuleError", "Predicate", "compile_rule"]
