"""The ``sfc`` command."""
