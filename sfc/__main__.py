"""``python -m sfc`` runs the ``sfc`` command."""

from sfc.cli.main import app

app()
