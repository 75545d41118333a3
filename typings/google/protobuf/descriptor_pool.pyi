from collections.abc import Callable

from google.protobuf.descriptor import Descriptor, FileDescriptor, ServiceDescriptor
from google.protobuf.descriptor_pb2 import FileDescriptorProto

class DescriptorPool:
    Add: Callable[[FileDescriptorProto], None]
    FindFileByName: Callable[[str], FileDescriptor]
    FindServiceByName: Callable[[str], ServiceDescriptor]
    FindMessageTypeByName: Callable[[str], Descriptor]
