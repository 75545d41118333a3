"""The pricing service's protobuf schema, built in code: the same as ``pricing.proto``.

Building the descriptor here (rather than generating ``_pb2`` modules with protoc) keeps
the example free of generated code and of protoc's version pins. The file is registered
in the default descriptor pool, where server reflection finds it.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto


def _file() -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto(
        name="workers/pricing.proto", package="shop", syntax="proto3"
    )
    request = proto.message_type.add(name="QuoteRequest")
    for number, (name, kind) in enumerate(
        [("sku", _F.TYPE_STRING), ("quantity", _F.TYPE_INT32), ("currency", _F.TYPE_STRING)], 1
    ):
        request.field.add(name=name, number=number, type=kind, label=_F.LABEL_OPTIONAL)
    reply = proto.message_type.add(name="QuoteReply")
    for number, (name, kind) in enumerate(
        [
            ("sku", _F.TYPE_STRING),
            ("quantity", _F.TYPE_INT32),
            ("currency", _F.TYPE_STRING),
            ("unit_price", _F.TYPE_DOUBLE),
            ("total", _F.TYPE_DOUBLE),
        ],
        1,
    ):
        reply.field.add(name=name, number=number, type=kind, label=_F.LABEL_OPTIONAL)
    service = proto.service.add(name="Pricing")
    service.method.add(
        name="Quote", input_type=".shop.QuoteRequest", output_type=".shop.QuoteReply"
    )
    return proto


def _register() -> Any:
    pool = descriptor_pool.Default()
    try:
        return pool.FindFileByName("workers/pricing.proto")
    except KeyError:
        return pool.Add(_file()) or pool.FindFileByName("workers/pricing.proto")


FILE = _register()
"""The registered file descriptor of ``workers/pricing.proto``."""

SERVICE = "shop.Pricing"
QuoteRequest: Any = message_factory.GetMessageClass(FILE.message_types_by_name["QuoteRequest"])
QuoteReply: Any = message_factory.GetMessageClass(FILE.message_types_by_name["QuoteReply"])


def file_proto() -> descriptor_pb2.FileDescriptorProto:
    """The schema as a FileDescriptorProto (what ``protoc --descriptor_set_out`` holds)."""
    proto = descriptor_pb2.FileDescriptorProto()
    FILE.CopyToProto(proto)
    return proto
