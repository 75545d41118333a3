class Descriptor:
    name: str
    full_name: str

class MethodDescriptor:
    name: str
    full_name: str
    input_type: Descriptor
    output_type: Descriptor
    client_streaming: bool
    server_streaming: bool

class ServiceDescriptor:
    name: str
    full_name: str
    methods_by_name: dict[str, MethodDescriptor]

class FileDescriptor:
    name: str
