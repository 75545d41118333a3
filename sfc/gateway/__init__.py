"""The gateway role: the REST API to deploy blueprints and start, read and control flows.

Compose it from started services and serve it::

    async with open_services(settings) as services:      # or build GatewayServices yourself
        server = await start_server(create_app(services), "127.0.0.1", 8080)
        ...
        await server.stop()

``sfc gateway`` does exactly that (:class:`GatewayRole`).
"""

from sfc.gateway.app import ROUTES, create_app
from sfc.gateway.outcomes import OutcomeWaiter
from sfc.gateway.server import GatewayRole, GatewayServer, start_server
from sfc.gateway.services import GatewayServices, gateway_producer, open_services

__all__ = [
    "ROUTES",
    "GatewayRole",
    "GatewayServer",
    "GatewayServices",
    "OutcomeWaiter",
    "create_app",
    "gateway_producer",
    "open_services",
    "start_server",
]
