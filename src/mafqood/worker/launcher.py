"""Starts a child command that dies with the process that launched it, even when that
process is killed with SIGKILL, at a given niceness:
`python -m mafqood.worker.launcher PARENT_PID NICENESS CMD...`.

Linux delivers PR_SET_PDEATHSIG's signal when the parent exits, however it exits; the
setting survives exec. A parent that died before the setting took effect is noticed by its
pid. Elsewhere (no prctl) the command runs without the guarantee.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:
        sys.exit(0)  # the parent is gone already


def main() -> None:
    parent_pid, niceness, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    die_with_parent(parent_pid)
    if niceness:
        os.nice(niceness)
    os.execv(command[0], command)  # noqa: S606 - our own interpreter, from the supervisor


if __name__ == "__main__":
    main()
