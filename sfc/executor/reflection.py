"""Where gRPC message types come from: descriptor sets named in settings, else server reflection.

Descriptor sets (``protoc --include_imports --descriptor_set_out=FILE``) are read once at
start and serve every address. Other services are looked up with the gRPC server
reflection protocol (``grpc.reflection.v1alpha``, then ``v1``) on the address being
called; the descriptors found are cached per address for the life of the process, and
forgotten when the server answers ``UNIMPLEMENTED`` (it may have been redeployed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from google.protobuf.descriptor import ServiceDescriptor
from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileDescriptorSet
from google.protobuf.descriptor_pool import DescriptorPool
from google.protobuf.message import DecodeError, Message
from google.protobuf.message_factory import GetMessageClass
from grpc import StatusCode
from grpc.aio import AioRpcError, Channel
from grpc_reflection.v1alpha.reflection_pb2 import (
    ServerReflectionRequest,
    ServerReflectionResponse,
)

from sfc.errors import ConfigError
from sfc.executor.errors import CallError, grpc_retryable, grpc_status_error

log = logging.getLogger(__name__)

_REFLECTION: Final = (
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
)
"""Both versions of the protocol have the same messages on the wire; servers differ in
which they serve (grpcio's only v1alpha, newer Go and Java servers both)."""

_CODES: Final = {code.value[0]: code for code in StatusCode}


@dataclass(frozen=True)
class Method:
    """A unary method and its message types.

    Attributes:
        path: The method's HTTP/2 path, ``/package.Service/Method``.
        request: The request message class.
        response: The response message class.
    """

    path: str
    request: type[Message]
    response: type[Message]

    def parse(self, data: bytes) -> Message:
        """A response message from its wire form."""
        message = self.response()
        message.ParseFromString(data)
        return message


class Descriptors:
    """Finds methods' message types, caching what it finds.

    Args:
        descriptor_sets: Descriptor set files to read at once.

    Raises:
        ConfigError: A descriptor set cannot be read or lacks a file its others import.
    """

    def __init__(self, descriptor_sets: Sequence[Path] = ()) -> None:
        self._static = _load_sets(descriptor_sets)
        self._pools: dict[str, _Pool] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._methods: dict[tuple[str, str], Method] = {}

    async def method(self, channel: Channel, address: str, full_name: str) -> Method:
        """The method ``package.Service/Method`` served at ``address``.

        Raises:
            CallError: ``SFC.Grpc.NOT_FOUND`` when the service is unknown,
                ``SFC.Grpc.UNIMPLEMENTED`` when it has no such unary method or the server
                has no reflection service, or the status of a failed reflection call.
        """
        known = self._methods.get((address, full_name))
        if known is not None:
            return known
        service_name, method_name = full_name.split("/", 1)
        service = self._static.find(service_name)
        if service is None:
            # One lookup per address at a time: the calls waiting behind it hit the cache.
            async with self._locks.setdefault(address, asyncio.Lock()):
                pool = self._pools.setdefault(address, _Pool())
                service = pool.find(service_name)
                if service is None:
                    service = await pool.load(service_name, _Reflection(channel, address))
        method = self._methods[address, full_name] = _method(service, method_name, address)
        return method

    def forget(self, address: str) -> None:
        """Drop what reflection found at ``address``; the next call asks again."""
        self._pools.pop(address, None)
        self._methods = {key: m for key, m in self._methods.items() if key[0] != address}


class _Pool:
    """Descriptors added to a pool as they become known."""

    def __init__(self) -> None:
        self.pool = DescriptorPool()
        self.files: set[str] = set()

    def find(self, service: str) -> ServiceDescriptor | None:
        try:
            return self.pool.FindServiceByName(service)
        except KeyError:
            return None

    def add(self, protos: dict[str, FileDescriptorProto]) -> None:
        """Add files, each after the files it imports; all must be known or given."""

        def add_one(name: str) -> None:
            if name not in self.files:
                for dependency in protos[name].dependency:
                    add_one(dependency)
                self.pool.Add(protos[name])
                self.files.add(name)

        for name in protos:
            add_one(name)

    def missing(self, protos: dict[str, FileDescriptorProto]) -> set[str]:
        """Files that ``protos`` import and that neither they nor the pool hold."""
        imported = {name for proto in protos.values() for name in proto.dependency}
        return imported - protos.keys() - self.files

    async def load(self, service: str, reflection: _Reflection) -> ServiceDescriptor:
        """Ask the server for the file defining ``service`` and every file it imports."""
        protos = _parse(await reflection.file_containing(service))
        while missing := self.missing(protos):
            for name in missing:
                protos.update(_parse(await reflection.file_by_name(name)))
        self.add(protos)
        return self.pool.FindServiceByName(service)


class _Reflection:
    """A reflection client for one server."""

    def __init__(self, channel: Channel, address: str) -> None:
        self._channel = channel
        self._address = address

    async def file_containing(self, symbol: str) -> list[bytes]:
        return await self._ask(ServerReflectionRequest(file_containing_symbol=symbol), symbol)

    async def file_by_name(self, name: str) -> list[bytes]:
        return await self._ask(ServerReflectionRequest(file_by_filename=name), name)

    async def _ask(self, request: ServerReflectionRequest, subject: str) -> list[bytes]:
        for path in _REFLECTION:
            try:
                response = await self._exchange(path, request)
            except AioRpcError as exc:
                if exc.code() is StatusCode.UNIMPLEMENTED and path != _REFLECTION[-1]:
                    continue  # try the other version of the protocol
                raise self._failure(exc, subject) from None
            return self._files(response, subject)
        raise AssertionError("unreachable: the last path returns or raises")

    async def _exchange(
        self, path: str, request: ServerReflectionRequest
    ) -> ServerReflectionResponse | None:
        call = self._channel.stream_stream(
            path, request_serializer=_serialize, response_deserializer=_reflection_response
        )
        async for response in call([request]):
            return response
        return None

    def _files(self, response: ServerReflectionResponse | None, subject: str) -> list[bytes]:
        kind = response.WhichOneof("message_response") if response is not None else None
        if response is not None and kind == "file_descriptor_response":
            return list(response.file_descriptor_response.file_descriptor_proto)
        code, message = StatusCode.UNKNOWN, "no answer"
        if response is not None and kind == "error_response":
            code = _CODES.get(response.error_response.error_code, StatusCode.UNKNOWN)
            message = response.error_response.error_message
        cause = f"server reflection at {self._address} does not know {subject}: {message}"
        raise CallError(grpc_status_error(code), cause, retryable=False)

    def _failure(self, exc: AioRpcError, subject: str) -> CallError:
        code = exc.code()
        if code is StatusCode.UNIMPLEMENTED:
            cause = (
                f"{self._address} has no server reflection service and no descriptor set "
                f"in the executor's settings describes {subject}"
            )
            return CallError(grpc_status_error(code), cause, retryable=False)
        cause = f"server reflection at {self._address}: {exc.details() or code.name}"
        return CallError(grpc_status_error(code), cause, retryable=grpc_retryable(code))


def _method(service: ServiceDescriptor, name: str, address: str) -> Method:
    method = service.methods_by_name.get(name)
    unimplemented = grpc_status_error(StatusCode.UNIMPLEMENTED)
    if method is None:
        cause = f"service {service.full_name} at {address} has no method {name}"
        raise CallError(unimplemented, cause, retryable=False)
    if method.client_streaming or method.server_streaming:
        cause = f"{service.full_name}/{name} streams; the executor makes unary calls only"
        raise CallError(unimplemented, cause, retryable=False)
    return Method(
        f"/{service.full_name}/{name}",
        GetMessageClass(method.input_type),
        GetMessageClass(method.output_type),
    )


def _load_sets(paths: Sequence[Path]) -> _Pool:
    static = _Pool()
    protos: dict[str, FileDescriptorProto] = {}
    for path in paths:
        descriptor_set = FileDescriptorSet()
        try:
            descriptor_set.ParseFromString(path.read_bytes())
        except (OSError, DecodeError) as exc:
            raise ConfigError(f"cannot read the descriptor set {path}: {exc}") from None
        protos.update((proto.name, proto) for proto in descriptor_set.file)
    missing = static.missing(protos)
    if missing:
        raise ConfigError(
            f"the descriptor sets import {', '.join(sorted(missing))} but do not contain it "
            "(make them with protoc --include_imports)"
        )
    static.add(protos)
    log.info("gRPC descriptors of %d files from descriptor sets", len(protos))
    return static


def _parse(files: Iterable[bytes]) -> dict[str, FileDescriptorProto]:
    protos: dict[str, FileDescriptorProto] = {}
    for data in files:
        proto = FileDescriptorProto()
        proto.ParseFromString(data)
        protos[proto.name] = proto
    return protos


def _serialize(message: ServerReflectionRequest) -> bytes:
    return message.SerializeToString()


def _reflection_response(data: bytes) -> ServerReflectionResponse:
    response = ServerReflectionResponse()
    response.ParseFromString(data)
    return response
