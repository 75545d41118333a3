"""Example services and workers that ``sfc dev`` runs with the example blueprints."""
