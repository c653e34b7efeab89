"""Writing results safely: the one atomic writer and the one output-folder guard.

Every file or folder the package writes goes through `atomic_write`: it is built
under a temporary name beside its target and renamed into place, so a reader (or a
rerun) sees either nothing or the whole thing, and a failure (a full disk, an
interrupt) leaves the previous version intact and no temporary behind. Every command
that writes into a folder asks `check_out_folder` first, so a folder holding something
else is refused before anything is computed or written.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ArgumentError

LOCK_FILE = ".lock"  # sim.batch.storage.batch_lock; not content
TMP_MARK = ".tmp"  # temporaries are hidden files named .<name>.<pid>.<random>.tmp<suffix>


class FolderError(ArgumentError):
    """An output folder that cannot be used as asked; ``argument`` names the argument
    that gave it (``out`` unless said otherwise)."""


def temporary_name(path: Path) -> Path:
    """A hidden temporary name beside `path`, unique per writer (two processes
    finishing the same file never share one); it keeps the suffix, for writers that
    choose the format by it (matplotlib)."""
    return path.with_name(
        f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{TMP_MARK}{path.suffix}"
    )


def is_temporary(path: Path) -> bool:
    """A name `temporary_name` made."""
    return path.name.startswith(".") and TMP_MARK in path.name


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def atomic_write(path: str | Path, write: Callable[[Path], Any]) -> Path:
    """Create `path` (a file or a folder) atomically.

    `write(tmp)` creates the content at the temporary path `tmp` (beside `path`, on
    the same file system); it is then renamed onto `path`. A folder replaces a
    previous folder of that name (the old one is moved aside first and deleted after).
    On any error the temporary is removed and `path` is as it was.
    """
    path = Path(path)
    tmp = temporary_name(path)
    old: Path | None = None
    try:
        write(tmp)
        if tmp.is_dir() and path.is_dir() and any(path.iterdir()):
            old = temporary_name(path)
            path.replace(old)
        tmp.replace(path)
    except BaseException:
        _remove(tmp)
        if old is not None and not path.exists():
            old.replace(path)  # put the previous version back
            old = None
        raise
    finally:
        if old is not None:
            _remove(old)
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    """UTF-8 text by `atomic_write`."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """JSON by `atomic_write` (indented, UTF-8; values JSON lacks are written as text)."""
    return write_text_atomic(path, json.dumps(data, indent=1, ensure_ascii=False, default=str))


def remove_temporaries(folder: Path) -> int:
    """Delete the temporaries an interrupted `atomic_write` left in a folder."""
    n = 0
    if folder.is_dir():
        for f in folder.glob(".*"):
            if is_temporary(f):
                _remove(f)
                n += 1
    return n


def _content(folder: Path) -> list[Path]:
    """What a folder holds besides a lock file and writers' temporaries."""
    return [p for p in folder.iterdir() if p.name != LOCK_FILE and not is_temporary(p)]


def check_out_folder(out: str | Path, marker: str, what: str, field: str = "out") -> bool:
    """The one guard for output folders: True if `out` holds an earlier result of the
    same kind (it has `marker`), False if it is new or empty; FolderError if it is a
    file, holds something else, or cannot be created. Nothing is written.

    Args:
        marker: the file every result of this kind has (run.json, manifest.json, ...).
        what: the kind of result, for the message ("run", "batch", ...).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FolderError(field, f"{out} exists and is not a folder")
    if out.is_dir():
        if not os.access(out, os.W_OK | os.X_OK):
            raise FolderError(field, f"{out}: no permission to write in it")
        if not _content(out):
            return False
        if (out / marker).exists():
            return True
        raise FolderError(
            field,
            f"{out} is not empty and holds no {what} (no {marker}); choose a new or empty folder",
        )
    # a new folder: its nearest existing ancestor must be a folder we may write in
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise FolderError(field, f"{out} cannot be created: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FolderError(field, f"{out} cannot be created: no permission to write in {parent}")
    return False
