"""Built-in packs shipped pre-parsed: each pack's YAML as data and positions in one JSON file.

Parsing the built-in packs' YAML (with every key's line, for messages) is most of what loading
them costs, and it is the same on every run. `parsed.json` beside each built-in pack's YAML holds
the result; the loader uses a file's entry only when the YAML on disk still has the sha256 it was
made from, so an edited pack is parsed afresh. Regenerate with `python -m govern.policy.parsed`;
tests/policy/test_parsed_packs.py fails when the YAML and the JSON differ.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from govern.load.documents import SourceDocument, load_document

PARSED_FILE = "parsed.json"
PARSED_FORMAT = "govern.parsed-pack/1"
# YAML dates have no JSON form: written as {"$date": "2026-08-02"}. Generation refuses a pack
# mapping that already looks like this, so decoding is never ambiguous.
_DATE = "$date"


def build_parsed(files: list[Path]) -> dict[str, Any]:
    """The pre-parsed form of a pack's files (pack.yaml first, then the rule files)."""
    entries = {}
    for path in files:
        document = load_document(path, path.name)
        entries[path.name] = {
            "sha256": document.sha256,
            "data": _encode(document.data),
            "positions": [
                [list(key), pos.line, pos.column] for key, pos in document.positions.items()
            ],
        }
    return {"format": PARSED_FORMAT, "files": entries}


def read_parsed(folder: Path) -> dict[str, Any]:
    """The entries of a pack's parsed.json by file name, or none when it is absent or unreadable."""
    try:
        text = (folder / PARSED_FILE).read_text(encoding="utf-8")
        parsed = json.loads(text, object_hook=_decode)
    except (OSError, ValueError):
        return {}
    if not isinstance(parsed, dict) or parsed.get("format") != PARSED_FORMAT:
        return {}
    files = parsed.get("files")
    return files if isinstance(files, dict) else {}


def parsed_document(
    path: Path, display: str, raw: bytes, text: str, digest: str, entry: Any
) -> SourceDocument | None:
    """The document from a pre-parsed entry, or None when the entry is not of these bytes."""
    if not isinstance(entry, dict) or entry.get("sha256") != digest:
        return None
    return SourceDocument(
        path,
        display,
        digest,
        len(raw),
        entry["data"],
        text,
        "yaml",
        _position_rows=entry["positions"],
    )


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_DATE}:
            raise ValueError(f"a mapping with the single key {_DATE!r} cannot be pre-parsed")
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dt.datetime):
        raise ValueError(f"a timestamp ({value}) cannot be pre-parsed")
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(f"a {type(value).__name__} cannot be pre-parsed")


def _decode(mapping: dict[str, Any]) -> Any:
    """json.loads' object hook: every JSON object passes here once, dates become dates."""
    if len(mapping) == 1 and _DATE in mapping:
        return dt.date.fromisoformat(mapping[_DATE])
    return mapping


def write_all() -> None:
    """Regenerate parsed.json for every built-in pack (after its YAML changed)."""
    from govern.outputs import write_atomic
    from govern.policy.loader import builtin_packs, builtin_root

    for name in builtin_packs():
        folder = builtin_root() / name
        write_atomic(folder / PARSED_FILE, parsed_text(folder))


def parsed_text(folder: Path) -> str:
    """parsed.json for the pack in `folder`. Keys keep the YAML's order: rules list their
    references, and reports show them, in the order the pack author wrote them."""
    from govern.policy.loader import PACK_FILE, rule_files

    parsed = build_parsed([folder / PACK_FILE, *rule_files(folder)])
    return json.dumps(parsed, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":
    write_all()
