"""Bearer-token authentication of everything under ``/api``.

With ``settings.gateway.token`` set, a request under ``/api`` must carry
``Authorization: Bearer <token>``; the token is compared in constant time. Health,
metrics and the OpenAPI document stay open, as probes and scrapers expect.
"""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Middleware
from pydantic import SecretStr

from sfc.gateway.errors import UnauthorizedError
from sfc.gateway.routing import Handler

PROTECTED_PREFIX = "/api/"


def auth_middleware(token: SecretStr | None) -> Middleware | None:
    """A middleware requiring ``token``, or None when no token is configured."""
    if token is None:
        return None
    expected = f"Bearer {token.get_secret_value()}".encode()

    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PROTECTED_PREFIX):
            given = request.headers.get("Authorization", "").encode(errors="replace")
            if not hmac.compare_digest(given, expected):
                raise UnauthorizedError("a valid 'Authorization: Bearer <token>' is required")
        return await handler(request)

    return require_token
