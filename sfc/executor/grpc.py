"""gRPC calls: unary methods, JSON in and out, message types from :mod:`.reflection`.

The input is mapped to the request message with protobuf's JSON mapping (field names in
lowerCamelCase or as written in the ``.proto``); the response comes back in the same
mapping, with lowerCamelCase names and every field present (zero values included), so
that paths in the blueprint always find them.
"""

from __future__ import annotations

from google.protobuf.json_format import Error as JsonFormatError
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError
from google.protobuf.message import Message
from grpc import StatusCode
from grpc.aio import AioRpcError, Channel, insecure_channel

from sfc.core.types import Json
from sfc.executor.errors import (
    GRPC_INVALID_INPUT,
    GRPC_INVALID_RESPONSE,
    CallError,
    grpc_retryable,
    grpc_status_error,
)
from sfc.executor.reflection import Descriptors, Method

_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
]
"""A channel whose server went away tries again within 2 s (gRPC's default backs off to
two minutes), so that a Retry after the server is back does not fail for nothing."""


class GrpcClient:
    """Makes unary gRPC calls over one plaintext channel per address.

    Args:
        descriptors: Where message types come from.
    """

    def __init__(self, descriptors: Descriptors) -> None:
        self._descriptors = descriptors
        self._channels: dict[str, Channel] = {}

    async def stop(self) -> None:
        """Close every channel."""
        channels, self._channels = self._channels, {}
        for channel in channels.values():
            await channel.close()

    async def call(self, address: str, full_name: str, data: Json, deadline: float) -> Json:
        """Call ``package.Service/Method`` at ``address`` with ``data`` as the request.

        Args:
            address: ``host:port``.
            full_name: ``package.Service/Method``.
            data: The request message as JSON (an object).
            deadline: Seconds the server is given (the caller also bounds the call).

        Raises:
            CallError: The input does not fit the request message, the method is unknown,
                or the call failed with a gRPC status.
        """
        channel = self._channel(address)
        method = await self._descriptors.method(channel, address, full_name)
        request = _request(method, data)
        call = channel.unary_unary(
            method.path, request_serializer=_serialize, response_deserializer=method.parse
        )
        try:
            response = await call(request, timeout=deadline)
        except AioRpcError as exc:
            code = exc.code()
            if code is StatusCode.UNIMPLEMENTED:
                self._descriptors.forget(address)
            cause = exc.details() or f"{code.name} from {address}/{full_name}"
            retryable = grpc_retryable(code)
            raise CallError(grpc_status_error(code), cause, retryable=retryable) from None
        return _json(response, full_name)

    def _channel(self, address: str) -> Channel:
        channel = self._channels.get(address)
        if channel is None:
            channel = self._channels[address] = insecure_channel(address, _CHANNEL_OPTIONS)
        return channel


def _request(method: Method, data: Json) -> Message:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        cause = (
            f"the input of {method.path} must be a JSON object (its request message), "
            f"not {type(data).__name__}"
        )
        raise CallError(GRPC_INVALID_INPUT, cause, retryable=False)
    try:
        return ParseDict(data, method.request())
    except ParseError as exc:
        raise CallError(GRPC_INVALID_INPUT, f"{method.path}: {exc}", retryable=False) from None


def _json(response: Message, full_name: str) -> Json:
    try:
        return MessageToDict(response, always_print_fields_with_no_presence=True)
    except JsonFormatError as exc:  # e.g. an Any holding a type nobody described
        cause = f"the response of {full_name} cannot be written as JSON: {exc}"
        raise CallError(GRPC_INVALID_RESPONSE, cause, retryable=False) from None


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()
