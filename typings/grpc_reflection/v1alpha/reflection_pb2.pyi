from collections.abc import Callable

from google.protobuf.message import Message

class ServerReflectionRequest(Message):
    host: str
    file_by_filename: str
    file_containing_symbol: str
    def __init__(
        self, *, host: str = ..., file_by_filename: str = ..., file_containing_symbol: str = ...
    ) -> None: ...

class FileDescriptorResponse(Message):
    file_descriptor_proto: list[bytes]

class ErrorResponse(Message):
    error_code: int
    error_message: str

class ServerReflectionResponse(Message):
    file_descriptor_response: FileDescriptorResponse
    error_response: ErrorResponse
    WhichOneof: Callable[[str], str | None]
