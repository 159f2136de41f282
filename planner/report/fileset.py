"""Multi-file outputs written as one set: a reader never sees files of two runs side by side.

``schedule --out D``, ``sweep --out D`` and ``batch --generate N --out D`` write several files. They
are all written into a hidden staging folder beside ``D`` (``.D.<random>.tmp``) and only then put in
place, with SIGINT and SIGTERM held back for those few renames:

- ``D`` new, empty, or holding only the files of an earlier set (as its manifest lists them): the
  staging folder is renamed to ``D`` (the old folder is renamed away first and removed after), so
  ``D`` always holds one whole set;
- ``D`` also holding files planner did not write: those are left alone; each file of the set is
  renamed into ``D``, files of the earlier set that the new one lacks are removed, and the manifest
  is written last.

The manifest, ``D/.planner-manifest.json``, lists every file of the set with its size and SHA-256;
a reader that wants certainty checks the files against it. An interrupt (SIGINT, SIGTERM) or an
error while writing (a full disk) removes the staging folder and leaves ``D`` as it was; the error
is one line naming ``D`` and the reason.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from planner.errors import InputError

MANIFEST = ".planner-manifest.json"


class Terminated(SystemExit):
    """SIGTERM received: unwinds like an exception (``finally`` blocks run), exit status 143."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated(128 + signum)


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread instead of ending the
    process on the spot, so temporary files and child processes are cleaned up on the way out.
    (SIGINT already raises KeyboardInterrupt.) Outside the main thread, a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back (delivered on leaving) while a set is put in place."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def read_manifest(folder: str | Path) -> dict[str, dict[str, object]] | None:
    """The files a folder's manifest lists (name -> size, sha256), None without a readable one."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {str(k): dict(v) for k, v in files.items()} if isinstance(files, dict) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest_text(staging: Path) -> str:
    files = {
        p.name: {"bytes": p.stat().st_size, "sha256": _digest(p)}
        for p in sorted(staging.iterdir())
        if p.is_file() and p.name != MANIFEST
    }
    return json.dumps({"files": files}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _write_error(target: Path, exc: OSError) -> InputError:
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason += "; nothing was changed in the folder"
    return InputError(f"cannot write the output files: {reason}", source=target)


@contextlib.contextmanager
def write_set(target: str | Path) -> Iterator[Path]:
    """Yield a staging folder to write the set into; on leaving without error, put it in place as
    ``target`` (see the module docstring). ``target`` must be a folder or not exist yet."""
    final = Path(target)
    if final.exists() and not final.is_dir():
        raise InputError(f"expected a folder for the output files, {final} is a file", source=final)
    parent = final.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        name = final.resolve().name
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise _write_error(final, exc) from None
    try:
        with sigterm_raises():
            try:
                yield staging
                manifest = _manifest_text(staging)
                (staging / MANIFEST).write_text(manifest, encoding="utf-8")
            except OSError as exc:
                raise _write_error(final, exc) from None
            for item in staging.iterdir():  # a folder where one of the set's files goes
                if (final / item.name).is_dir() and not item.is_dir():
                    from planner.errors import OutputError

                    raise OutputError(final / item.name, "it is a directory; give a file name")
            with _signals_held():
                _put_in_place(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _put_in_place(staging: Path, final: Path) -> None:
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it 0700; a folder of results is shared
    final = final.resolve()
    if not final.exists():
        os.rename(staging, final)
        return
    previous = read_manifest(final) or {}
    present = {p.name for p in final.iterdir()}
    ours = set(previous) | {MANIFEST}
    if present <= ours and final != Path.cwd().resolve():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        os.rmdir(old)
        try:
            os.rename(final, old)
        except OSError:  # a mount point, or a folder the system will not rename: file by file
            pass
        else:
            os.rename(staging, final)
            shutil.rmtree(old, ignore_errors=True)
            return
    # Other files live in the folder: leave them, swap ours one by one, the manifest last.
    names = sorted(p.name for p in staging.iterdir() if p.name != MANIFEST)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(final / MANIFEST)  # no manifest while the set is being swapped
    for name in names:
        os.replace(staging / name, final / name)
    for name in sorted(set(previous) - set(names)):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(final / name)
    os.replace(staging / MANIFEST, final / MANIFEST)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
