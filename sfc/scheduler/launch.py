"""``python -m sfc.scheduler.launch <parent pid> worker ...``: ``sfc worker`` tied to its parent.

The local backend starts every worker through this module. On Linux it asks the kernel
to send the process ``SIGTERM`` when its parent dies (``PR_SET_PDEATHSIG``, which lasts
through the rest of the program), so the workers of a scheduler that is killed drain and
exit rather than run on unmanaged next to the new leader's. The rest is ``sfc``'s own
command line.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def main(arguments: list[str]) -> None:
    """Bind this process's life to the parent's, then run ``sfc`` with the arguments."""
    parent = int(arguments[0])
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        # The parent died before the request took effect: nobody wants this worker.
        sys.exit(0)
    from sfc.cli.main import app

    app(arguments[1:], prog_name="sfc")


if __name__ == "__main__":
    main(sys.argv[1:])
