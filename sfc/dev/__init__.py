"""``sfc dev``: every role in one process, on the embedded broker."""

from sfc.dev.stack import DevStack

__all__ = ["DevStack"]
