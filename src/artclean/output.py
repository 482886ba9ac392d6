"""Safe outputs: a temp file beside the target, fsync, rename; nothing half-written is ever left."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".artclean-tmp-"


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write ({exc.strerror or exc})", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            what = "no space left on device" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
            raise OutputError(f"cannot write ({what})", path=str(path)) from None
        raise


def remove_stale_temps(directory: str | Path) -> int:
    """Delete temp files an earlier, killed run left behind; returns how many."""
    count = 0
    for tmp in Path(directory).rglob(TEMP_PREFIX + "*"):
        try:
            tmp.unlink()
            count += 1
        except OSError:
            pass
    return count
