"""HTTP calls: one pooled aiohttp session for every ``http(s)://`` task."""

from __future__ import annotations

import aiohttp

from sfc.core.types import Json
from sfc.executor.errors import (
    HTTP_CONNECTION,
    HTTP_INVALID_INPUT,
    HTTP_INVALID_RESPONSE,
    CallError,
)
from sfc.executor.http_request import HttpRequest, build_request, check_status, response_result
from sfc.settings import ExecutorSettings


class HttpClient:
    """Calls HTTP services over pooled connections.

    Timeouts are not its business: the caller bounds each call (see :class:`Calls`).

    Args:
        settings: The executor's settings (pool sizes, how much of an error body to keep).
    """

    def __init__(self, settings: ExecutorSettings) -> None:
        self._settings = settings
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        connector = aiohttp.TCPConnector(
            limit=self._settings.concurrency, limit_per_host=self._settings.per_host_limit
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=None),
            # Calls of unrelated flows share the session: a cookie one service sets must
            # not ride along on another flow's request.
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def stop(self) -> None:
        """Close every connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, url_template: str, data: Json) -> Json:
        """Make the request ``data`` asks for and return the task's result.

        Raises:
            CallError: The request could not be made, or failed (see ``errors``).
        """
        request = build_request(url_template, data)
        try:
            return await self._send(request)
        except aiohttp.InvalidURL as exc:
            raise CallError(HTTP_INVALID_INPUT, f"invalid URL {exc}", retryable=False) from None
        except aiohttp.ClientResponseError as exc:
            # The server's answer broke HTTP itself (bad status line, too many redirects).
            cause = f"{request.method} {request.url}: {exc.message}"
            raise CallError(HTTP_INVALID_RESPONSE, cause, retryable=False) from None
        except aiohttp.ClientError as exc:
            cause = f"{request.method} {request.url}: {exc or type(exc).__name__}"
            raise CallError(HTTP_CONNECTION, cause, retryable=True) from None

    async def _send(self, request: HttpRequest) -> Json:
        assert self._session is not None, "start() the HTTP client first"
        async with self._session.request(
            request.method,
            request.url,
            params=request.query,
            headers=request.headers,
            data=request.body,
        ) as response:
            reason = response.reason or ""
            if not 200 <= response.status <= 299:
                prefix = await _read_prefix(response, self._settings.max_cause_bytes)
                body = prefix.decode(errors="replace")
                check_status(response.status, reason, body, request)
            body_bytes = await _read_prefix(response, self._settings.max_response_bytes)
            if len(body_bytes) > self._settings.max_response_bytes:
                cause = (
                    f"{request.method} {request.url}: response body over "
                    f"{self._settings.max_response_bytes} bytes (executor.max_response_bytes)"
                )
                raise CallError(HTTP_INVALID_RESPONSE, cause, retryable=False)
            return response_result(
                response.status, reason, response.headers.items(), body_bytes, request
            )


async def _read_prefix(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, or its first ``limit`` bytes and one more (so that the cut shows): neither
    an error page nor a result may be larger than SFC keeps, however large the answer."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(limit + 1):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)[: limit + 1]
