from collections.abc import Iterable

from google.protobuf.message import Message

class FileDescriptorProto(Message):
    name: str
    package: str
    dependency: list[str]

class FileDescriptorSet(Message):
    file: list[FileDescriptorProto]
    def __init__(self, *, file: Iterable[FileDescriptorProto] | None = ...) -> None: ...
