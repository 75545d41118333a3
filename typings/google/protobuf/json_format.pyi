from typing import Any, Protocol

from google.protobuf.message import Message

class Error(Exception): ...
class ParseError(Error): ...

class _ParseDict(Protocol):
    def __call__(
        self, js_dict: Any, message: Message, ignore_unknown_fields: bool = ...
    ) -> Message: ...

class _MessageToDict(Protocol):
    def __call__(
        self,
        message: Message,
        always_print_fields_with_no_presence: bool = ...,
        preserving_proto_field_name: bool = ...,
        use_integers_for_enums: bool = ...,
    ) -> dict[str, Any]: ...

ParseDict: _ParseDict
MessageToDict: _MessageToDict
