"""The one rule for replacing an existing file with an output: same kind of content, or --force.

A report, SARIF or JUnit file from an earlier run is replaced as a matter of course; a file that
holds something else (`report --pdf some.json`, an edited evidence file) is replaced only when the
user says so, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from govern.atomic import OutputError

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
