"""The gateway's routes, one module per resource; each exports ``ROUTES``."""
