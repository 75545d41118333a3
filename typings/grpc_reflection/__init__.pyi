# Minimal type stubs for the parts of grpcio-reflection that SFC uses (no py.typed).
