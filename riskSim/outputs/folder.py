"""The one way every command writes a folder: riskSim only removes or replaces what it wrote.

Owns the rules of an output folder, for ``run``, ``charts`` (each
``DIR/<name>``), ``sweep``, ``compare``, ``workshop`` and every later command:

- a target that does not exist is staged in a temporary folder beside it and
  renamed into place when complete;
- a target holding a manifest (:data:`MANIFEST_NAME`: riskSim's version, the
  command, the files and folders it wrote) is an earlier riskSim output: the
  files the manifest lists are replaced or removed, every other file (a user's
  notes) stays where it is;
- an empty folder is written into; a non-empty folder without a manifest is
  refused (:class:`~riskSim.errors.InvalidInputError`, exit 2) before anything is
  written, unless ``force``: then riskSim's files go in beside the user's (a
  file of the same name is replaced) and nothing else is touched;
- a symbolic link is written through to the folder it names, never replaced.

A folder riskSim did not create is never replaced as a whole (its mode, owner
and a shell sitting in it stay as they are): the staged files are moved into
it one by one. Before the first move a journal is written into the staging
folder; a run killed after that point is finished ("rolled forward") by the
next command writing the same target, one killed before it has its staging
folder removed, so every crash ends, on the next start, in either the old or
the new complete result. A lock file beside the target (``fcntl.flock``)
makes writers of one target take turns; SIGINT and SIGTERM are held back
while files move. Temporary names are ``.<name>.risksim-tmp-<pid>-<random>``
and ``.<name>.risksim-lock``; the clean-up touches those of its own target and
nothing else (and the ``.<name>.XXXXXXXX.tmp|.old`` folders earlier versions
of riskSim left behind, restoring a hidden earlier result).

Also owns the small writers every output file goes through: text with Unix
line ends (:func:`write_text`), CSV (:func:`csv_text`) and the chart formats a
folder may hold. Imports only the standard library and :mod:`riskSim.errors`;
knows nothing of what the files hold.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from riskSim.errors import InvalidInputError, OutputError

try:  # POSIX; elsewhere writers of one target are not serialised
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CHART_FORMATS",
    "EMPTY_OUT_MESSAGE",
    "FORCE_HELP",
    "MANIFEST_NAME",
    "check_chart_format",
    "check_output_folder",
    "csv_text",
    "manifest_text",
    "output_folder",
    "read_manifest",
    "write_text",
]

CHART_FORMATS = ("png", "svg", "pdf")
"""File formats charts can be written in (the CLI's ``--format`` choices)."""

MANIFEST_NAME = ".risksim-manifest.json"
"""The file that marks a folder as riskSim's output and lists what riskSim wrote there."""

MANIFEST_FORMAT = 1
FORCE_HELP = (
    "Write into an existing folder riskSim did not make: riskSim's files go in beside "
    "what is there (a file of the same name is replaced); nothing else is touched."
)
EMPTY_OUT_MESSAGE = (
    "an empty folder name (an unset shell variable?) would mean the current folder; "
    "name the folder, e.g. --out runs/NAME (or --out . for the current folder)"
)

_JOURNAL = ".risksim-commit.json"
_TEMP = "risksim-tmp"
_LOCK = "risksim-lock"


class _UnfinishedError(OutputError):
    """Files moved half-way: the staging folder and its journal must stay for the next run."""


@dataclass(frozen=True)
class _Manifest:
    files: tuple[str, ...]
    folders: tuple[str, ...]


@dataclass(frozen=True)
class _State:
    """What the target is now: ``new``, ``ours`` (a manifest), ``empty`` or ``foreign``."""

    kind: str
    manifest: _Manifest = _Manifest((), ())


def _version() -> str:
    """riskSim's installed version (read from the metadata: importing riskSim is not allowed)."""
    from importlib import metadata

    try:
        return metadata.version("riskSim")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "unknown"


def manifest_text(command: str, files: Iterable[str], folders: Iterable[str] = ()) -> str:
    """The manifest's text: the same bytes for the same files (no time, no absolute path)."""
    document = {
        "risksim_manifest": MANIFEST_FORMAT,
        "risksim_version": _version(),
        "command": command,
        "files": sorted(files),
        "folders": sorted(folders),
    }
    return json.dumps(document, indent=2) + "\n"


def _safe(relative: Any) -> bool:
    """A relative path inside the folder: a manifest must never reach outside it."""
    if not isinstance(relative, str) or not relative or "\x00" in relative or "\\" in relative:
        return False
    path = PurePosixPath(relative)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and path.as_posix() == relative
        and relative not in (".", MANIFEST_NAME)
    )


def _read_manifest(folder: Path) -> _Manifest | None:
    path = folder / MANIFEST_NAME
    try:
        if path.is_symlink() or not path.is_file():
            return None
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("risksim_manifest"), int):
        return None
    files, folders = document.get("files"), document.get("folders", [])
    if not isinstance(files, list) or not isinstance(folders, list):
        return None
    return _Manifest(
        tuple(item for item in files if _safe(item)),
        tuple(item for item in folders if _safe(item)),
    )


def read_manifest(folder: str | Path) -> list[str] | None:
    """The files ``folder``'s manifest lists, or None when it is not a riskSim output."""
    manifest = _read_manifest(Path(folder))
    return None if manifest is None else list(manifest.files)


def _resolve(target: str | Path) -> tuple[Path, str]:
    """The real folder to write (links followed) and the name to show the user."""
    text = os.fspath(target)
    if text == "":
        raise InvalidInputError.single("--out", "", EMPTY_OUT_MESSAGE)
    real = Path(os.path.realpath(text))
    if real.parent == real:
        raise InvalidInputError.single(
            "--out",
            "",
            f"{text} is the root of the file system. "
            "Give riskSim a folder of its own, e.g. --out runs/NAME",
        )
    return real, text


def _shown(real: Path, text: str) -> str:
    """``text``, with the real folder beside it when ``text`` alone does not say which."""
    plain = os.path.abspath(text) == str(real) and Path(text).name not in ("", ".", "..")
    return text if plain else f"{text} ({real})"


def _classify(real: Path, text: str) -> _State:
    if not os.path.lexists(real):
        ancestor = next((p for p in real.parents if os.path.lexists(p)), None)
        if ancestor is not None and not ancestor.is_dir():
            raise OutputError(
                f"cannot write to {Path(text).parent}: {ancestor} is a file, not a folder"
            )
        return _State("new")
    if not real.is_dir():
        raise OutputError(f"{text} exists and is not a folder")
    manifest = _read_manifest(real)
    if manifest is not None:
        return _State("ours", manifest)
    try:
        with os.scandir(real) as entries:
            empty = next(entries, None) is None
    except OSError as error:
        raise OutputError(f"cannot read {text}: {error.strerror or error}") from None
    return _State("empty" if empty else "foreign")


def _refusal(real: Path, text: str, suggest: str | Path | None) -> InvalidInputError:
    example = suggest if suggest is not None else os.path.join(text, "NAME")
    return InvalidInputError.single(
        "--out",
        "",
        f"{_shown(real, text)} is not empty and is not a riskSim output (it has no "
        f"{MANIFEST_NAME}). Give the outputs a folder of their own, "
        f"e.g. --out {example}, or add --force to write riskSim's files beside what is there "
        "(a file of the same name is replaced; nothing else is touched).",
    )


def check_output_folder(
    target: str | Path, *, force: bool = False, suggest: str | Path | None = None
) -> None:
    """Refuse, before any work, a target :func:`output_folder` would refuse. Reads only.

    Commands call this before simulating, so a refused ``--out`` costs nothing;
    :func:`output_folder` checks again under its lock.

    Raises:
        InvalidInputError: an empty name, the root, or a non-empty folder riskSim
            did not make (without ``force``).
        OutputError: the target or one of its parents is a file.
    """
    real, text = _resolve(target)
    if _classify(real, text).kind == "foreign" and not force:
        raise _refusal(real, text, suggest)


@contextmanager
def output_folder(
    target: str | Path,
    *,
    command: str,
    force: bool = False,
    suggest: str | Path | None = None,
) -> Iterator[Path]:
    """Yield an empty staging folder; once the body returns, its files become ``target``'s.

    Write every file of the output into the yielded folder (any sub-folders
    included) and nothing else; the manifest is added here. On any exception,
    an interrupt included, the staging folder is removed and ``target`` is left
    as it was.

    Args:
        target: the output folder (``--out``); a link is followed.
        command: what wrote it, for the manifest (``risksim run``).
        force: write into a non-empty folder riskSim did not make.
        suggest: the ``--out`` a refusal suggests instead.

    Raises:
        InvalidInputError: see :func:`check_output_folder`; also a file the user
            put where riskSim now writes one (without ``force``), or a folder
            where riskSim writes a file. Raised before anything is changed.
        OutputError: the folder cannot be created or written (unwritable, full disk).
    """
    real, text = _resolve(target)
    if _classify(real, text).kind == "foreign" and not force:
        raise _refusal(real, text, suggest)
    _make_parents(real, text)
    keep = False
    with _locked(real, text):
        with _signals_held():
            _recover(real, text)
        if _classify(real, text).kind == "foreign" and not force:
            raise _refusal(real, text, suggest)
        staging = _make_staging(real, text)
        try:
            try:
                yield staging
            except OSError as error:
                raise OutputError(f"cannot write {text}: {error.strerror or error}") from None
            with _signals_held():
                _commit(staging, real, text, command=command, force=force, suggest=suggest)
        except _UnfinishedError:
            keep = True
            raise
        finally:
            if not keep:
                shutil.rmtree(staging, ignore_errors=True)


def _make_parents(real: Path, text: str) -> None:
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        parent = Path(text).parent
        ancestor = next((p for p in real.parents if os.path.lexists(p)), None)
        reason = (
            f"{ancestor} is a file, not a folder"
            if ancestor is not None and not ancestor.is_dir()
            else error.strerror or str(error)
        )
        raise OutputError(f"cannot write to {parent}: {reason}") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _make_staging(real: Path, text: str) -> Path:
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=f".{real.name}.{_TEMP}-{os.getpid()}-", dir=real.parent)
        )
        staging.chmod(0o777 & ~_umask())
    except OSError as error:
        raise OutputError(
            f"cannot write to {Path(text).parent}: {error.strerror or error}"
        ) from None
    return staging


@contextmanager
def _locked(real: Path, text: str) -> Iterator[None]:
    """Hold ``.<name>.risksim-lock`` beside the target; the holder removes it when done.

    A writer that waited on a lock file its holder has since removed finds the
    name gone (or naming a newer file) and tries again, so at most one writer
    ever holds the lock of a target.
    """
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    path = real.parent / f".{real.name}.{_LOCK}"
    while True:
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(
                f"cannot write to {Path(text).parent}: {error.strerror or error}"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held = os.fstat(handle)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(handle)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            break
        os.close(handle)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(handle)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while files move; deliver them once the move is done.

    Only the main thread can change handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if handler not in (signal.SIG_IGN, None):
            previous[signum] = handler
            signal.signal(signum, hold)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _walk(staging: Path) -> tuple[list[str], list[str]]:
    """The files and folders under ``staging`` (relative, POSIX), bookkeeping left out."""
    files, folders = [], []
    for root, dirs, names in os.walk(staging):
        base = Path(root).relative_to(staging)
        folders += [(base / name).as_posix() for name in dirs]
        files += [(base / name).as_posix() for name in names]
    files = [f for f in files if f not in (MANIFEST_NAME, _JOURNAL, _JOURNAL + ".part")]
    return sorted(files), sorted(folders)


def _ancestors(relative: str) -> list[str]:
    parts = PurePosixPath(relative).parts
    return ["/".join(parts[:depth]) for depth in range(1, len(parts))]


def _commit(
    staging: Path,
    real: Path,
    text: str,
    *,
    command: str,
    force: bool,
    suggest: str | Path | None,
) -> None:
    """Make the staged files ``real``'s.

    Raises:
        _UnfinishedError: a move failed half-way; the staging folder must stay, its
            journal lets the next run finish the job.
        OutputError: nothing was changed.
    """
    files, folders = _walk(staging)
    state = _classify(real, text)
    if state.kind == "foreign" and not force:
        raise _refusal(real, text, suggest)
    try:
        if state.kind == "new":
            write_text(staging / MANIFEST_NAME, manifest_text(command, files, folders))
            os.rename(staging, real)
            return
    except OSError as error:
        raise OutputError(f"cannot write {text}: {error.strerror or error}") from None
    old_files, old_folders = set(state.manifest.files), set(state.manifest.folders)
    needed = {folder for file in files for folder in _ancestors(file)}
    created = {folder for folder in needed if not os.path.lexists(real / folder)}
    _check_collisions(real, text, files, old_files, force=force)
    ours = sorted(needed & (old_folders | created))
    journal = {
        "remove": sorted(old_files - set(files)),
        "prune": sorted(old_folders - set(ours), key=lambda f: (-f.count("/"), f)),
    }
    try:
        write_text(staging / MANIFEST_NAME, manifest_text(command, files, ours))
        write_text(staging / (_JOURNAL + ".part"), json.dumps(journal, indent=2) + "\n")
        os.replace(staging / (_JOURNAL + ".part"), staging / _JOURNAL)
    except OSError as error:
        raise OutputError(f"cannot write {text}: {error.strerror or error}") from None
    try:
        _roll_forward(staging, real)
    except OSError as error:
        reason = error.strerror or str(error)
        if _walk(staging)[0] == files:
            raise OutputError(f"cannot write {text}: {reason}") from None
        raise _UnfinishedError(
            f"cannot finish writing {text}: {reason}; some of riskSim's files there are new, "
            "some old: the next riskSim command writing it finishes the job"
        ) from None


def _check_collisions(
    real: Path, text: str, files: list[str], old_files: set[str], *, force: bool
) -> None:
    """Refuse to put a file where the user has one (without ``force``) or has a folder."""
    shown = text.rstrip("/") or "."
    for relative in files:
        for folder in _ancestors(relative):
            path = real / folder
            if os.path.lexists(path) and not path.is_dir():
                raise InvalidInputError.single(
                    "--out",
                    "",
                    f"{shown}/{folder} is a file where riskSim writes a folder. "
                    "Move it away or give another --out.",
                )
        path = real / relative
        if relative in old_files or not os.path.lexists(path):
            continue
        if path.is_dir() and not path.is_symlink():
            raise InvalidInputError.single(
                "--out",
                "",
                f"{shown}/{relative} is a folder riskSim did not make, where riskSim writes a "
                "file. Move it away or give another --out.",
            )
        if not force:
            raise InvalidInputError.single(
                "--out",
                "",
                f"{shown}/{relative} is a file riskSim did not write (its {MANIFEST_NAME} does "
                "not list it). Move it away, or add --force to replace it.",
            )


def _roll_forward(staging: Path, real: Path) -> None:
    """Move the staged files in, remove riskSim's files no longer written, manifest last.

    Every step can be repeated, so a run killed half-way is finished by the next.
    """
    journal = json.loads((staging / _JOURNAL).read_text(encoding="utf-8"))
    for relative in _walk(staging)[0]:
        for folder in _ancestors(relative):
            with contextlib.suppress(FileExistsError):
                os.mkdir(real / folder)
        os.replace(staging / relative, real / relative)
    for relative in journal.get("remove", []):
        path = real / relative
        if _safe(relative) and (path.is_symlink() or path.is_file()):
            path.unlink()
    for folder in journal.get("prune", []):
        if _safe(folder):
            with contextlib.suppress(OSError):
                os.rmdir(real / folder)
    if (staging / MANIFEST_NAME).exists():
        os.replace(staging / MANIFEST_NAME, real / MANIFEST_NAME)
    shutil.rmtree(staging)


def _recover(real: Path, text: str) -> None:
    """Finish or remove what killed writers of this target left beside it (lock held).

    With the lock held no other writer of the target is running, so every
    temporary of the target is stale: one with a journal is rolled forward,
    any other removed. Folders earlier versions of riskSim left (``.old``: a
    hidden earlier result, ``.tmp``: a half-written one) are restored or removed.
    """
    name = re.escape(real.name)
    ours = re.compile(rf"\.{name}\.{_TEMP}-\d+-[a-z0-9_]{{8}}")
    legacy = re.compile(rf"\.{name}\.[a-z0-9_]{{8}}\.(tmp|old)")
    try:
        entries = sorted(os.listdir(real.parent))
    except OSError:
        return
    for entry in entries:
        path = real.parent / entry
        if not ours.fullmatch(entry) or path.is_symlink() or not path.is_dir():
            continue
        if (path / _JOURNAL).is_file() and real.is_dir():
            try:
                _roll_forward(path, real)
            except (OSError, ValueError) as error:
                raise OutputError(
                    f"cannot finish an interrupted write of {text}: {error}"
                ) from None
        else:
            shutil.rmtree(path, ignore_errors=True)
    hidden = [
        real.parent / entry
        for entry in entries
        if legacy.fullmatch(entry) and (real.parent / entry).is_dir()
    ]
    olds = sorted(
        (path for path in hidden if path.name.endswith(".old")),
        key=lambda path: path.stat().st_mtime,
    )
    if olds and not os.path.lexists(real):
        os.rename(olds.pop(), real)
    for path in hidden:
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)


def check_chart_format(chart_format: str) -> None:
    """Refuse a chart format matplotlib is not asked to write here.

    Raises:
        ValueError: naming the format and the choices.
    """
    if chart_format not in CHART_FORMATS:
        raise ValueError(
            f"chart_format(={chart_format!r}) must be one of {', '.join(CHART_FORMATS)}."
        )


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with Unix line ends, whatever the platform."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _csv_cell(value: Any) -> str:
    """Booleans as ``true``/``false``; floats in shortest round-trip form (``repr``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV file's text: a header of ``columns``, then one line per row, ``\\n`` line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in columns])
    return buffer.getvalue()
