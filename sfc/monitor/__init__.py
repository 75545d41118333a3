"""Pure helpers of the monitor and the composer: no I/O.

- :mod:`sfc.monitor.graph`: a blueprint drawn as nodes, groups and edges.
- :mod:`sfc.monitor.positions`: where a JSON pointer sits in a blueprint's text.
"""

from sfc.monitor.graph import Edge, Graph, Group, Node, build_graph, mark_flow
from sfc.monitor.positions import Position, locate_problems, position_of

__all__ = [
    "Edge",
    "Graph",
    "Group",
    "Node",
    "Position",
    "build_graph",
    "locate_problems",
    "mark_flow",
    "position_of",
]
