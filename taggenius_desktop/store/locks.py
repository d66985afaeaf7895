"""Exclusive file locks that the operating system releases the moment their holder dies.

Why locks and not pids: a pid says nothing once the process is gone (a zombie still has
one, and pids are reused), whereas an open file's lock goes with the process on every
exit path, kill -9 included. ``flock`` (POSIX) and ``msvcrt.locking`` (Windows) both
conflict between two opens of the same file even inside one process, so a reader in the
worker's own process sees the lock as held too.
"""

from __future__ import annotations

import errno
import sys
import os
from pathlib import Path

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (it may have been removed and
    created again between our open and our lock)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


class HeldLock:
    """A lock this process holds; ``release(remove=True)`` also deletes the file."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self, remove: bool = False) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if remove and os.name != "nt":
            # Removed while still locked, so nobody can lock the old file and mistake it
            # for this one (``_same_file`` catches the rest).
            try:
                os.unlink(self.path)
            except OSError:
                pass
        _unlock(fd)
        os.close(fd)
        if remove and os.name == "nt":  # Windows cannot delete a file that is open
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def __enter__(self) -> "HeldLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(path: Path, wait: float = 10.0) -> HeldLock:
    """Take the lock (creating the file), waiting up to ``wait`` seconds for a holder."""
    import time

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    deadline = time.monotonic() + wait
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if _try_lock(fd):
            if _same_file(fd, path):
                return HeldLock(path, fd)
            _unlock(fd)
        os.close(fd)
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} is locked by another process")
        time.sleep(0.02)


def is_held(path: Path) -> bool | None:
    """Whether some live process holds the lock: True, False, or None when there is no
    such lock file (nothing to judge by)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return None
    try:
        if not _try_lock(fd):
            return True
        try:
            # Locked by nobody; but if the file was replaced meanwhile, the new one may be
            # held, so only a lock on the file the path names now counts as "free".
            return False if _same_file(fd, path) else True
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
