"""One module per state type; each knows how to run its state (see
:mod:`sfc.core.interpreter.handlers` for which is which)."""
