"""The interpreter: ``decide`` and the records it reads and returns."""
