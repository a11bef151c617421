"""Writing the Omni model: all files or none, never outside the output folder; and the record and file
checks with which export.py skips a write that would change nothing."""
from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from dbt_omni.errors import OmniExportError, Problem

RECORD = "omni_export.json"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_record(output_dir: Path) -> Optional[dict]:
    """omni_export.json of the last export, or None when it is missing or unreadable."""
    return _read_record(output_dir)[0]


def files_intact(output_dir: Path, checksums: dict) -> bool:
    """Every file is on disk as it was written (a hand-edited or deleted one is written again), and no
    other (a stray view would reach Omni with the next copy); a name in the record that points outside
    the folder counts as not intact."""
    root = str(output_dir)
    files, folders = _files_under(root)
    # An extra folder too, even empty: the plugin's shortcut watches only the folders that hold our files,
    # so a file put into it later would go unseen.
    if files != set(checksums) | {RECORD} or folders != _folders_of(checksums):
        return False
    for name, checksum in checksums.items():
        try:
            with open(_inside(root, name), "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != checksum:
                    return False
        except (OSError, OmniExportError):
            return False
    return True


def record_digest(output_dir: Path) -> Optional[str]:
    """Stands for the whole output in the plugin's state file (None when the output is incomplete).
    On dbt's every command, so the files are not read: the record's bytes as written are hashed with
    each file's size and modification time, which a hand edit changes, and each folder's, which a file
    added or removed there changes."""
    record, data = _read_record(output_dir)
    if record is None:
        return None
    digest = hashlib.sha256(data)
    root = str(output_dir)
    folders = {""}
    for name in record["files"]:
        folders.add(os.path.dirname(name))
        try:
            stat = os.stat(os.path.join(root, name))
        except OSError:
            return None
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for folder in sorted(folders):
        try:
            digest.update(f"{folder}/\0{os.stat(os.path.join(root, folder)).st_mtime_ns}\0".encode())
        except OSError:
            return None
    return digest.hexdigest()


def _folders_of(names) -> set:
    """Every folder the relative paths lie in (a/b/c.yaml: a and a/b)."""
    folders = set()
    for name in names:
        parts = name.split("/")[:-1]
        folders.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return folders


def _files_under(root: str) -> tuple:
    """(every file, every folder) below root, as relative paths with forward slashes."""
    files, folders = set(), set()
    for folder, _, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        if prefix:
            folders.add(prefix[:-1])
        files.update(prefix + name for name in names)
    return files, folders


def _read_record(output_dir: Path) -> tuple:
    """(record, its bytes), or (None, b"") when it is missing or unreadable."""
    try:
        data = (output_dir / RECORD).read_bytes()
        record = json.loads(data)
    except (OSError, ValueError):
        return None, b""
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None, b""
    return record, data


def git_state(project_dir: Optional[Path]) -> Optional[dict]:
    """Branch and commit of the dbt project's git checkout, or None outside git."""
    def run(*args: str) -> Optional[str]:
        try:
            done = subprocess.run(["git", *args], cwd=project_dir or None, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    if commit is None:
        return None
    return {"branch": run("rev-parse", "--abbrev-ref", "HEAD"), "commit": commit}


def record_text(record: dict) -> str:
    """Readable non-ASCII text, but for a lone surrogate (from a manifest's `\\ud800`), which UTF-8
    cannot hold: then every non-ASCII character is escaped, as JSON allows."""
    text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, indent=2, sort_keys=True) + "\n"
    return text


def _inside(root: str, relative: str) -> str:
    """root/relative, refusing anything that could leave root (checked on the text: root is new).
    Plain string checks: the export writes 11,000 files at 10,000 models."""
    parts = relative.split("/")
    if "\\" in relative or ":" in relative or "" in parts or "." in parts or ".." in parts:
        raise OmniExportError(Problem(f"refusing to write {relative!r}: it is not a plain path inside {root}"))
    return os.path.join(root, relative)


def _write_new_file(path: str, data: bytes) -> None:
    """A file that must not exist yet (O_EXCL: never through a link); raw os calls, as 11,000 files
    through Python's text layer cost a third more."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)  # Windows: no \r\n
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Replaced:
    """What a write took away that a user may have meant to keep, for a warning: files the folder held
    that the last export did not write, and files of the last export edited since (their edits lost).
    digest: record_digest of the output as this write left it, when asked for."""

    foreign: list = field(default_factory=list)
    edited: list = field(default_factory=list)
    digest: Optional[str] = None
    undeleted: tuple = ()  # (folder, why) of earlier outputs moved aside that could not be deleted


def write_atomically(output_dir: Path, files: dict, key: str = "vars.dbt_omni.output_dir", *,
                     digest: bool = False) -> Replaced:
    """Write every file to a new folder beside output_dir, then swap it in (_swap: in one step where the
    system can, Linux's RENAME_EXCHANGE, else with two renames); an
    unwritable place (a file in the way, no permission, a full disk) is the user's to fix, not a traceback.
    key: where the user set the folder, for messages. digest: take record_digest before the lock is
    released (the plugin's state file records it; after, another writer's output could be taken for ours)."""
    if "\0" in str(output_dir):  # no path can hold it; Python would raise ValueError deep inside
        raise OmniExportError(Problem(f"the output folder {str(output_dir)!r} holds a NUL character", key=key,
                                      expected="a folder path"))
    try:
        output_dir = Path(output_dir).resolve()
    except RuntimeError as exc:  # a symlink loop (Python 3.13 raises OSError, caught below)
        raise OmniExportError(Problem(f"cannot write the Omni model to {output_dir}: {exc}", key=key,
                                      expected="a folder that can be created and written")) from None
    try:
        with _locked(output_dir) as exclusive:
            undeleted = _remove_leftovers(output_dir) if exclusive else []
            replaced = _write_and_swap(output_dir, files, key)
            return Replaced(replaced.foreign, replaced.edited, record_digest(output_dir) if digest else None,
                            (*undeleted, *replaced.undeleted))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise OmniExportError(
            Problem(
                f"cannot write the Omni model to {output_dir}: {exc.strerror or exc}{where}",
                key=key,
                expected="a folder that can be created and written",
            )
        ) from None


OUR_FILES = ("model.yaml", "relationships.yaml", ".view.yaml", ".topic.yaml")


def _not_ours(folder: Path, record: Optional[dict]) -> Optional[str]:
    """None if the folder is empty or written by dbt-omni: it has our record (a file merely named like it
    is not), or (the record deleted or unreadable) it holds only the files an export writes and every view
    file carries the comment we write; else a file that shows it is not, for the message. A user's own
    Omni model, or anything else, is never replaced. record: previous_record(folder)."""
    if record is not None and "dbt_omni_version" in record:
        return None
    views = 0
    for path in folder.rglob("*"):
        if path.is_dir() or (path.name == RECORD and path.parent == folder):  # ours, damaged (a git merge conflict)
            continue
        if not path.name.endswith(OUR_FILES):
            return str(path.relative_to(folder))
        if path.name.endswith(".view.yaml"):
            with open(path, "rb") as handle:
                if b"\n# Written by dbt-omni from " not in handle.read(4096):
                    return f"{path.relative_to(folder)}, without the comment dbt-omni writes"
            views += 1
    if views > 0 or not any(folder.iterdir()):
        return None
    return f"{RECORD}, not as dbt-omni writes it" if (folder / RECORD).exists() else "no view dbt-omni wrote"


@contextlib.contextmanager
def _locked(output_dir: Path):
    """One writer at a time (two dbt commands in one project, a CI matrix): between moving the old
    folder away and the new one in, another writer's rename would fail. The lock is on the folder
    that holds the output (no lock file left behind); where the platform has no flock (Windows),
    writers are not serialised. Yields whether the lock is held."""
    try:
        import fcntl
    except ImportError:
        yield False
        return
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(output_dir.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(handle)  # closing releases the lock


# The names _new_folder gives (and tempfile.mkdtemp gave the old folder before 0.1.0's last commits).
LEFTOVER_RE = r"\.{name}\.(new|old)-[0-9a-z_]{{8}}"


def _remove_leftovers(output_dir: Path) -> list:
    """The new and old folders of an export that was killed between writing and cleaning up: with the
    lock held, no other writer can be using them. Returns those that could not be deleted, as _discard."""
    pattern = re.compile(LEFTOVER_RE.format(name=re.escape(output_dir.name)))
    try:
        entries = list(os.scandir(output_dir.parent))
    except OSError:
        return []
    return [left for entry in entries if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
            for left in _discard(Path(entry.path))]


def _discard(folder: Path) -> list:
    """Delete an earlier output moved aside: [] when done, else [(folder, why)] for a warning (a folder
    the user made read-only stays, and would otherwise stay unnoticed through every later export)."""
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        return [(str(folder), exc.strerror or str(exc))]
    return []


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, uniquely named folder with the permissions the user's umask gives (tempfile.mkdtemp's
    0700 would become the output folder's own, unreadable to a CI artefact upload or a sync job)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _write_and_swap(output_dir: Path, files: dict, key: str) -> Replaced:
    previous = previous_record(output_dir) if output_dir.exists() else None  # read under the lock: the last writer's
    if output_dir.exists() and (foreign := _not_ours(output_dir, previous)):
        raise OmniExportError(
            Problem(
                f"refusing to replace {output_dir}: it holds files that dbt-omni did not write ({foreign})",
                key=key,
                expected="an empty folder, or one that dbt-omni wrote before (move those files away, or set another output_dir)",
            )
        )
    if (output_dir / ".git").exists():  # `git init` in the folder to see diffs: its history would go with it
        raise OmniExportError(Problem(
            f"refusing to replace {output_dir}: it holds .git, and every export replaces the whole folder", key=key,
            expected="the folder outside any git work tree's root: copy it into the repository (README: rsync), or "
                     "write to a subfolder of it"))
    foreign, edited = [], []
    if previous is not None:
        foreign = sorted(_files_under(str(output_dir))[0] - set(previous["files"]) - {RECORD})
        edited = _edited(output_dir, previous["files"], files)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _new_folder(output_dir.parent, f".{output_dir.name}.new-").resolve()
    try:
        root, folders = str(staging), {str(staging)}
        for relative, text in files.items():
            target = _inside(root, relative)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            _write_new_file(target, text.encode("utf-8"))
        undeleted = []
        if output_dir.exists():
            undeleted = _swap(staging, output_dir, key)
        else:
            os.rename(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Replaced(foreign, edited, undeleted=tuple(undeleted))


def _edited(output_dir: Path, recorded: dict, files: dict) -> list:
    """The last export's files that were changed since it wrote them and that this write does not leave
    as changed (rewritten or removed). The last export wrote its record after every other file, so only a
    file modified no earlier than the record is read: one stat per file (11,000 at 10,000 models)."""
    root = str(output_dir)
    try:
        written = os.stat(os.path.join(root, RECORD)).st_mtime_ns
    except OSError:
        return []
    edited = []
    for name, checksum in recorded.items():
        try:
            path = _inside(root, name)
            if os.stat(path).st_mtime_ns < written:
                continue
            with open(path, "rb") as handle:
                now = hashlib.sha256(handle.read()).hexdigest()
        except (OSError, OmniExportError):  # deleted, or a name no export writes: nothing of the user's to lose
            continue
        if now != checksum and (name not in files or sha256(files[name]) != now):
            edited.append(name)
    return sorted(edited)


AT_FDCWD, RENAME_EXCHANGE = -100, 2
# Also EPERM: a sandbox's seccomp filter refuses a system call it does not know so; a real lack of
# permission then fails the two renames too, with the user's message.
NOT_SUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM)


@functools.cache
def _renameat2():
    """Linux's renameat2 from the C library, or None (another system, or a glibc older than 2.28)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # only here: not on the plugin's everyday path

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step, so that a reader (a sync job, Omni's git push) never finds the
    output missing; False where the system or file system cannot (macOS, Windows, old kernels, some
    network file systems), and the caller swaps with two renames."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in NOT_SUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))


def _swap(staging: Path, output_dir: Path, key: str) -> list:
    """The new output takes the old one's place: in one step where the system can, else the old output
    moves into a new folder beside it and the new one into its place (a reader may find no folder for
    that instant). If anything fails, the old output is where it was and no folder is left behind.
    Returns the old output's folder where it could not be deleted, as _discard."""
    try:
        if _exchange(staging, output_dir):
            return _discard(staging)  # it holds the old output now
        retired = _new_folder(output_dir.parent, f".{output_dir.name}.old-")
        try:
            os.rename(output_dir, retired / output_dir.name)
        except BaseException:
            shutil.rmtree(retired, ignore_errors=True)
            raise
    except OSError as exc:
        if exc.errno == errno.EBUSY:  # the folder itself is mounted: a Docker volume, a tmpfs
            raise OmniExportError(Problem(
                f"cannot replace {output_dir}: it is a mount point (a Docker volume?), and every export replaces "
                "the whole folder", key=key, expected="an output_dir inside the mount (<mount>/omni), or the folder above it "
                "mounted instead")) from None
        if exc.errno != errno.EXDEV:
            raise
        # overlayfs (Docker's storage) cannot move a folder of an image's lower layer (a `RUN dbt parse`
        # wrote it): the old output is deleted, then the new one renamed in. Not in one step, this once:
        # from then on the folder is in the writable layer.
        shutil.rmtree(output_dir)
        os.rename(staging, output_dir)
        return []
    try:
        os.rename(staging, output_dir)
    except BaseException:
        os.rename(retired / output_dir.name, output_dir)
        shutil.rmtree(retired, ignore_errors=True)
        raise
    return _discard(retired)
