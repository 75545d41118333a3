# Minimal type stubs for the parts of protobuf that SFC uses (protobuf ships no py.typed).
__version__: str
