"""Write output files atomically so an interrupted run never leaves a half-written report.

Outputs are checked before anything is written (`check_outputs`), so a run with one bad output
path writes none of its outputs, and never replaces a file the run itself read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from govern.errors import GovernError


class OutputError(GovernError):
    """An output file cannot be written where the user asked; nothing was written."""


def _default_mode() -> int:
    """The mode a plain open() would give (mkstemp's 0600 would hide reports from colleagues)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_outputs(
    paths: Iterable[Path],
    *,
    inputs: Iterable[Path] = (),
    input_folders: Iterable[Path] = (),
) -> None:
    """Refuse, before anything is written, outputs that would fail or destroy an input.

    `inputs` are files the run read (manifest, evidence, predictions); `input_folders` hold files
    it read (an organisation's policy pack): an existing file there is never overwritten.
    """
    protected = {p.resolve() for p in inputs}
    folders = [f.resolve() for f in input_folders]
    for path in paths:
        target = path.resolve()
        if target.is_dir():
            raise OutputError(f"{path}: is a folder; give a file name for this output")
        if target in protected or (
            target.exists() and any(target.is_relative_to(folder) for folder in folders)
        ):
            raise OutputError(
                f"{path}: this run reads that file as input; write the output somewhere else"
            )
        if target.exists() and not target.is_file():
            continue  # a device or pipe such as /dev/null, written in place
        ancestor = target.parent
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise OutputError(f"{path}: cannot create its folder: {ancestor} is a file")
        _probe(path, ancestor)


def _probe(path: Path, folder: Path) -> None:
    """Create and remove a file in `folder`: the only reliable test (read-only mounts, /proc)."""
    import tempfile  # here, not at the top: `govern check` writing no file never needs it

    try:
        fd, probe = tempfile.mkstemp(prefix=".govern-probe.", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {folder}: {exc.strerror or exc}") from exc
    os.close(fd)
    os.unlink(probe)


def write_atomic(path: Path, content: str | bytes, mode: int | None = None) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode if mode is not None else _default_mode())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- replacing existing files ------------------------------------------------------------------
# The one rule for replacing an existing file with an output: same kind of content, or --force.
#
# A report, SARIF or JUnit file from an earlier run is replaced as a matter of course; a file that
# holds something else (`report --pdf some.json`, an edited evidence file) is replaced only when the
# user says so, before anything is written.

OutputKind = Literal["pdf", "html", "json", "xml", "text", "yaml"]

# Evidence people edit by hand: no content sniffing can tell an old export from their work.
_NEVER_REPLACED_SILENTLY: frozenset[OutputKind] = frozenset({"yaml"})
_SNIFF_BYTES = 512

FORMAT_KINDS: dict[str, OutputKind] = {
    "text": "text",
    "markdown": "text",
    "github": "text",
    "json": "json",
    "sarif": "json",
    "oscal": "json",
    "junit": "xml",
}


def content_kind(path: Path) -> str:
    """What an existing file holds, from its first bytes: pdf, html, xml, json, text or binary."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(b"%PDF-"):
        return "pdf"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith((b"<?xml", b"<testsuite")):
        return "xml"
    if start.startswith((b"{", b"[")):
        return "json"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the sniffing limit
            return "binary"
    return "text"


def refuse_replacing_other_kinds(
    outputs: Iterable[tuple[Path, OutputKind]], force: bool, flag: str = "--force"
) -> None:
    """Refuse, before anything is written, to replace a file that holds another kind of content.

    Empty files, devices and pipes (/dev/null) and missing files are always fine; `force` allows
    everything.
    """
    if force:
        return
    for path, kind in outputs:
        if not path.is_file() or path.stat().st_size == 0:
            continue
        try:
            found = content_kind(path)
        except OSError as exc:
            raise OutputError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
        if kind in _NEVER_REPLACED_SILENTLY:
            raise OutputError(f"{path}: already exists (pass {flag} to overwrite it)")
        if found != kind:
            raise OutputError(
                f"{path}: already exists and holds {found}, not {kind}; pass {flag} to replace it"
            )
