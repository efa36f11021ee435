"""Keep every read of a system inside its folder, and refuse what is not a plain file.

govern runs in CI on pull requests, so govern.yaml is written by whoever opens one. A path in it
that is absolute, climbs out with `../` or is a symlink to elsewhere would make govern read (and
echo in its errors) files the author of the pull request may not see, such as /etc/shadow or a
runner's credentials. A FIFO or a device would block the run or never end it. Every path a
system names is therefore checked here, by one function, before anything opens it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath

__all__ = [
    "NAME_MAX",
    "PathRefused",
    "contained",
    "excerpt",
    "file_kind",
    "inside",
    "read_regular",
    "regular_file",
]

# The smallest name limit of common file systems (ext4, XFS, APFS, NTFS): a longer component can
# never name a file, and passing it to the OS only turns into ENAMETOOLONG somewhere deeper.
NAME_MAX = 255
PATH_MAX = 4096
EXCERPT_CHARS = 60


class PathRefused(Exception):
    """A path a system names that govern will not read; the message says why, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short quoted form of a value read from a file, safe to print in a one-line error.

    Control characters (newlines, escapes, bidi overrides) are escaped so a value cannot forge
    further lines or reorder the text around it, and the length is capped so that a file read by
    mistake is never echoed at length.
    """
    quoted = isinstance(value, str)
    text = value if isinstance(value, str) else repr(value)
    shown = []
    for char in text[: limit + 1]:
        code = ord(char)
        if char == "'" and quoted:
            shown.append("\\'")
        elif char == "\\":
            shown.append("\\\\")
        elif code < 0x20 or 0x7F <= code < 0xA0 or _is_format_control(code):
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    body = "".join(shown)
    if len(text) > limit:
        body = body[: limit - 3] + "..."
    return f"'{body}'" if quoted else body


def _is_format_control(code: int) -> bool:
    # Bidi embeddings, overrides and isolates, zero-width and line/paragraph separators.
    return (
        0x200B <= code <= 0x200F
        or 0x2028 <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or code == 0xFEFF
    )


def inside(path: Path, boundary: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies in `boundary` (resolved too)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(boundary))


def contained(
    root: Path,
    value: str,
    boundary: Path | None = None,
    *,
    folder: bool = False,
    noun: str = "path",
    real_boundary: str | None = None,
) -> Path:
    """The path `value` (relative to `root`) names, if it may be read; else PathRefused.

    It must be relative, stay inside `boundary` (default: `root`) once every symlink is
    resolved, and name a regular file (or a folder, with `folder=True`). The path returned is
    the lexical one (`root/value`), so that messages name the file as the manifest does.
    `real_boundary` is `os.path.realpath` of that boundary, when the caller checks many paths
    against one in a single pass (resolving it costs a stat per component of its path).
    """
    where = boundary if boundary is not None else root
    place = "the system folder" if boundary is None else "the repository root"
    shown = excerpt(value)
    if "\x00" in value:
        raise PathRefused(f"{noun} {shown} contains a NUL character")
    pure = PurePosixPath(value)
    if pure.is_absolute() or Path(value).is_absolute() or value.startswith("~"):
        raise PathRefused(f"{noun} {shown} is absolute; give a path relative to the system folder")
    if len(value) > PATH_MAX or any(len(part.encode()) > NAME_MAX for part in pure.parts):
        raise PathRefused(f"{noun} {shown} is too long for a file name (over {NAME_MAX} bytes)")
    path = root / value
    if not _within(Path(os.path.abspath(path)), Path(os.path.abspath(where))):
        raise PathRefused(f"{noun} {shown} leaves {place}")
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        raise PathRefused(f"{noun} {shown} cannot be resolved") from None
    if not real.is_relative_to(real_boundary or os.path.realpath(where)):
        raise PathRefused(
            f"{noun} {shown} is a symlink to a place outside {place}"
            if _has_symlink(root, pure)
            else f"{noun} {shown} leaves {place}"
        )
    kind = file_kind(path)
    if kind == "missing":
        raise PathRefused(f"{noun} {shown} does not exist")
    if folder:
        if kind != "directory":
            raise PathRefused(f"{noun} {shown} is {_article(kind)}, not a folder")
    elif kind != "file":
        raise PathRefused(f"{noun} {shown} is {_article(kind)}, not a regular file")
    return path


def regular_file(path: Path) -> os.stat_result:
    """stat() a file about to be read; PathRefused unless it is a regular file.

    Called before any open: opening a FIFO blocks until a writer comes, and /dev/zero or
    /dev/urandom never end, so neither may reach read().
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise PathRefused("file not found") from None
    except OSError as exc:
        raise PathRefused(_os_reason(exc)) from None
    except ValueError:
        raise PathRefused("path contains a NUL character") from None
    kind = _kind_of(info.st_mode)
    if kind != "file":
        raise PathRefused(
            "is a directory, expected a YAML or JSON file"
            if kind == "directory"
            else f"is {_article(kind)}, not a regular file; refusing to open it"
        )
    return info


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, at most `limit + 1` of them (one more says it is too big).

    The file is opened without blocking and checked again once open, so a FIFO swapped in after
    the stat() is refused rather than waited on.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PathRefused(_os_reason(exc)) from None
    except ValueError:
        raise PathRefused("path contains a NUL character") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PathRefused("is not a regular file; refusing to read it")
        try:
            return handle.read(limit + 1)
        except OSError as exc:
            raise PathRefused(_os_reason(exc)) from None


def file_kind(path: Path) -> str:
    """file, directory, fifo, device, socket, missing, symlink loop or unreadable."""
    try:
        return _kind_of(os.stat(path).st_mode)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if exc.errno == errno.ENAMETOOLONG:
            return "name too long"
        return "unreadable"
    except ValueError:
        return "unreadable"


def _kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _article(kind: str) -> str:
    return {
        "directory": "a directory",
        "fifo": "a FIFO (named pipe)",
        "device": "a device",
        "socket": "a socket",
        "symlink loop": "a symlink loop",
        "name too long": "a name too long for the file system",
        "unreadable": "not readable",
    }.get(kind, f"a {kind}")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop; refusing to read it"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long for the file system"
    return f"cannot read file: {exc.strerror}"


def _within(path: Path, boundary: Path) -> bool:
    return path == boundary or path.is_relative_to(boundary)


def _has_symlink(root: Path, relative: PurePosixPath) -> bool:
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False
