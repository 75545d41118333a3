from collections.abc import Callable

from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

GetMessageClass: Callable[[Descriptor], type[Message]]
