"""Child processes that end with their parent, so that a crash or a deploy leaves no orphans behind."""

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_registered = False


def children_die_with_this_process(sig: int = signal.SIGTERM) -> None:
    """Every process this one forks from now on receives ``sig`` when this one dies, even by SIGKILL.

    Linux only (prctl's PR_SET_PDEATHSIG; elsewhere nothing changes). The kernel sends the signal when the
    forking *thread* ends: fork from the main thread. ``sig`` defaults to SIGTERM so a child can clean up.
    """
    global _registered
    if _registered or not sys.platform.startswith("linux"):
        return
    parent = os.getpid()
    os.register_at_fork(after_in_child=lambda: _die_with(parent, sig))
    _registered = True


def _die_with(parent: int, sig: int) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() != parent:  # the parent died between the fork and the line above
        os.kill(os.getpid(), sig)
