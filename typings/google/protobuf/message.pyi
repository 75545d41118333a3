# Methods are declared as attributes of callable types: protobuf's names are CamelCase,
# which the project's naming lint forbids for definitions.
from collections.abc import Callable

class Error(Exception): ...
class DecodeError(Error): ...

class Message:
    SerializeToString: Callable[[], bytes]
    ParseFromString: Callable[[bytes], int]
