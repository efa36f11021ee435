"""Split a Hugging Face style card into its YAML front matter and its markdown sections."""

# The front matter goes through govern's safe YAML reader, so its positions are real file lines; a
# section keeps the line of its heading, so a value taken from it can be traced back there.

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govern.errors import InputError, Problem
from govern.load.documents import FieldPath, Position, SourceDocument, parse_document
from govern.load.importers.mapping import text

MARKDOWN_KEY = "markdown"

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_OPTIONAL = re.compile(r"\[\s*optional\s*\]", re.IGNORECASE)
_BULLET_FIELD = re.compile(r"^\s*[-*+]\s+\*\*(?P<key>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*?)\s*$")
_KEY_VALUE = re.compile(r"^\s*[-*+]\s+(?P<key>[A-Za-z_][\w .()/-]*?)\s*:\s+(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class Section:
    title: str
    key: str
    level: int
    line: int
    body: str
    fields: dict[str, str]
    field_titles: dict[str, str]
    field_lines: dict[str, int]


def normalise(title: str) -> str:
    """`Downstream Use [optional]` -> `downstream use`: how sections are matched."""
    cleaned = _OPTIONAL.sub("", title).replace("*", "").strip().rstrip(":").strip()
    return re.sub(r"\s+", " ", cleaned).lower()


def split_front_matter(text_: str) -> tuple[str | None, int, str, int]:
    """(front matter text or None, its first line number, markdown text, its first line number)."""
    lines = text_.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, 0, text_, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), 2, "".join(lines[index + 1 :]), index + 2
    return None, 0, text_, 1


def read_card(path: Path, display: str, raw: bytes, text_: str) -> SourceDocument:
    """Parse front matter and sections into one document (`data` holds both, sections by title)."""
    _check_is_card(text_, display)
    front, front_line, body, body_line = split_front_matter(text_)
    metadata: dict[str, Any] = {}
    positions: dict[FieldPath, Position] = {(): Position(1, 1)}
    if front is not None and front.strip():
        metadata, positions = _front_matter(front, front_line, path, display)
    sections = parse_sections(body, body_line)
    data = dict(metadata)
    key = MARKDOWN_KEY if MARKDOWN_KEY not in data else "markdown sections"
    data[key] = {s.title: _section_value(s) for s in sections}
    for section in sections:
        positions[(key, section.title)] = Position(section.line, 1)
        for field, title in section.field_titles.items():
            line = section.field_lines[field]
            positions[(key, section.title, title)] = Position(line, 1)
    document = parse_document("{}", raw, path, display, fmt="json")
    return replace(
        document,
        data=data,
        text=text_,
        format="markdown",
        _yaml_positions=positions,
    )


def _check_is_card(text_: str, display: str) -> None:
    """Refuse what cannot be a card, rather than read it as a card with no content."""
    head = text_.lstrip()[:1]
    if head in ("{", "["):
        raise InputError.single(
            display,
            "not a Hugging Face card: this is JSON, a card is markdown with YAML front matter "
            "(name the file's own format, or leave it to be detected)",
            1,
            1,
        )
    lines = text_.splitlines()
    if lines and lines[0].strip() == "---" and split_front_matter(text_)[0] is None:
        raise InputError.single(
            display,
            "the YAML front matter opened on this line is never closed by a `---` line",
            1,
            1,
        )
    if not lines or (lines[0].strip() != "---" and not any(_HEADING.match(x) for x in lines)):
        raise InputError.single(
            display,
            "not a Hugging Face card: no YAML front matter (`---` on the first line) and no "
            "markdown heading",
            1,
            1,
        )


def _front_matter(
    front: str, first_line: int, path: Path, display: str
) -> tuple[dict[str, Any], dict[FieldPath, Position]]:
    offset = first_line - 1
    try:
        parsed = parse_document(front, front.encode("utf-8"), path, display, fmt="yaml")
    except InputError as exc:
        raise InputError(
            Problem(
                p.file,
                p.line + offset if p.line else first_line,
                p.column,
                p.field,
                f"front matter: {p.message}",
            )
            for p in exc.problems
        ) from None
    if not isinstance(parsed.data, dict):
        found = "a list" if isinstance(parsed.data, list) else f"a {type(parsed.data).__name__}"
        raise InputError.single(
            display,
            f"the YAML front matter must be a mapping of metadata keys (`license: mit`), "
            f"found {found}",
            first_line,
            1,
        )
    positions = {
        key: Position(pos.line + offset, pos.column) for key, pos in parsed.positions.items()
    }
    positions[()] = Position(1, 1)
    return parsed.data, positions


def parse_sections(body: str, first_line: int = 1) -> list[Section]:
    """Every ATX heading with the text directly under it (not its subsections' text)."""
    sections: list[Section] = []
    current: tuple[str, int, int] | None = None
    lines: list[str] = []
    in_fence = False
    seen: dict[str, int] = {}

    def close() -> None:
        if current is None:
            return
        title, level, line = current
        count = seen.get(title, 0) + 1
        seen[title] = count
        unique = title if count == 1 else f"{title} ({count})"
        sections.append(_section(unique, level, line, "".join(lines)))

    for number, line in enumerate(body.splitlines(keepends=True), start=first_line):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line.rstrip("\r\n"))
        if match:
            close()
            current = (_OPTIONAL.sub("", match.group(2)).strip(), len(match.group(1)), number)
            lines = []
        else:
            lines.append(line)
    close()
    return sections


def _section(title: str, level: int, line: int, raw: str) -> Section:
    # Comments are blanked, not removed, so that row numbers stay those of the file.
    cleaned = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), raw)
    fields: dict[str, str] = {}
    titles: dict[str, str] = {}
    lines: dict[str, int] = {}
    prose: list[str] = []
    for offset, row in enumerate(cleaned.splitlines(), start=1):
        match = _BULLET_FIELD.match(row)
        if match:
            key = normalise(match.group("key"))
            titles[key] = _OPTIONAL.sub("", match.group("key")).strip().rstrip(":").strip()
            lines[key] = line + offset
            value = text(match.group("value"))
            if value is not None:
                fields[key] = value
            else:
                fields.setdefault(key, "")
            continue
        prose.append(row)
    body = "\n".join(prose).strip()
    return Section(title, normalise(title), level, line, body, fields, titles, lines)


def _section_value(section: Section) -> Any:
    """What a section holds, as it appears in `unmapped`: its prose, or its bullets and prose."""
    if not section.field_titles:
        return section.body or None
    value: dict[str, Any] = {
        section.field_titles[key]: (val or None) for key, val in section.fields.items()
    }
    if section.body:
        value["text"] = section.body
    return value


def key_values(body: str) -> dict[str, str]:
    """`- learning_rate: 2e-05` bullets (as Trainer-generated cards write hyperparameters)."""
    found: dict[str, str] = {}
    for row in body.splitlines():
        match = _KEY_VALUE.match(row)
        if match:
            found[match.group("key").strip()] = match.group("value").strip()
    return found


def bullet_items(body: str) -> list[str]:
    """Plain bullet list items, or the whole text as one item when it is prose."""
    items = [
        re.sub(r"^\s*[-*+]\s+", "", row).strip()
        for row in body.splitlines()
        if re.match(r"^\s*[-*+]\s+\S", row)
    ]
    rest = [row for row in body.splitlines() if row.strip() and not re.match(r"^\s*[-*+]\s", row)]
    if items and not rest:
        return items
    return [body.strip()] if body.strip() else []
