# Minimal type stubs for the parts of grpc.aio that SFC uses (grpcio ships no py.typed).
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from grpc import RpcError, StatusCode

_Request = TypeVar("_Request")
_Response = TypeVar("_Response")

ChannelArgumentType = Sequence[tuple[str, Any]]

class AioRpcError(RpcError):
    def code(self) -> StatusCode: ...
    def details(self) -> str | None: ...

class UnaryUnaryMultiCallable(Generic[_Request, _Response]):
    def __call__(
        self,
        request: _Request,
        *,
        timeout: float | None = ...,
        wait_for_ready: bool | None = ...,
    ) -> Awaitable[_Response]: ...

class StreamStreamCall(Generic[_Request, _Response]):
    def __aiter__(self) -> AsyncIterator[_Response]: ...
    def cancel(self) -> bool: ...

class StreamStreamMultiCallable(Generic[_Request, _Response]):
    def __call__(
        self,
        request_iterator: Iterable[_Request] | None = ...,
        *,
        timeout: float | None = ...,
    ) -> StreamStreamCall[_Request, _Response]: ...

class Channel:
    def unary_unary(
        self,
        method: str,
        request_serializer: Callable[[_Request], bytes] | None = ...,
        response_deserializer: Callable[[bytes], _Response] | None = ...,
    ) -> UnaryUnaryMultiCallable[_Request, _Response]: ...
    def stream_stream(
        self,
        method: str,
        request_serializer: Callable[[_Request], bytes] | None = ...,
        response_deserializer: Callable[[bytes], _Response] | None = ...,
    ) -> StreamStreamMultiCallable[_Request, _Response]: ...
    async def close(self, grace: float | None = ...) -> None: ...

def insecure_channel(
    target: str, options: ChannelArgumentType | None = ..., compression: Any = ...
) -> Channel: ...
