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
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BULLET_FIELD = re.compile(r"^\s*[-*+]\s+\*\*(?P<key>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*?)\s*$")
# `**Model developer:** Meta`, `**License** A custom licence`: a bold lead names the line's field.
_BOLD_FIELD = re.compile(
    r"^\s*\*\*(?P<key>[^*]{1,60}?)\s*(?P<c1>[:.]?)\s*\*\*\s*(?P<c2>:?)\s*(?P<value>.*?)\s*$"
)
_KEY_VALUE = re.compile(r"^\s*[-*+]\s+(?P<key>[A-Za-z_][\w .()/-]*?)\s*:\s+(?P<value>.+?)\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?\s*)?\|?\s*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Table:
    """A Markdown pipe table or an HTML table: its header and its rows, each at its file line."""

    key: str
    line: int
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    raw: tuple[str, ...]


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
    trail: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    prose_lines: tuple[tuple[int, str], ...] = ()


def plain(value: str) -> str:
    """Markdown inline text as a reader sees it: no emphasis, tags, escapes or link targets."""
    value = _LINK.sub(r"\1", value)
    value = _TAG.sub("", value)
    value = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", value)
    value = re.sub(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`)", "", value)
    return re.sub(r"\s+", " ", value).strip()


def normalise(title: str) -> str:
    """`Downstream Use [optional]`, `**Model Details.**`, `2. Intended Use:` -> how titles match."""
    cleaned = plain(_OPTIONAL.sub("", title))
    cleaned = re.sub(r"^[^\w]*(\d+(\.\d+)*[.):-]?\s+)?", "", cleaned)
    cleaned = cleaned.strip().rstrip(":.").strip()
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
        for number, _ in section.prose_lines:
            positions[(key, section.title, "line", number)] = Position(number, 1)
        for table in section.tables:
            positions[(key, section.title, table.key)] = Position(table.line, 1)
            for index, (row_line, _) in enumerate(table.rows):
                positions[(key, section.title, table.key, index)] = Position(row_line, 1)
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
    trail: list[tuple[int, str]] = []

    def close() -> None:
        if current is None:
            return
        title, level, line = current
        count = seen.get(title, 0) + 1
        seen[title] = count
        unique = title if count == 1 else f"{title} ({count})"
        parents = tuple(key for lvl, key in trail if lvl < level)
        sections.append(_section(unique, level, line, "".join(lines), parents))
        trail[:] = [(lvl, key) for lvl, key in trail if lvl < level] + [(level, normalise(title))]

    for number, line in enumerate(body.splitlines(keepends=True), start=first_line):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line.rstrip("\r\n"))
        if match and normalise(match.group(2)):
            close()
            current = (_heading_title(match.group(2)), len(match.group(1)), number)
            lines = []
        else:
            lines.append(line)
    close()
    return sections


def _heading_title(raw: str) -> str:
    """A heading as its reader sees it (`**Model Details**` -> `Model Details`)."""
    return plain(_OPTIONAL.sub("", raw)).strip() or raw.strip()


def _section(title: str, level: int, line: int, raw: str, trail: tuple[str, ...]) -> Section:
    # Comments are blanked, not removed, so that row numbers stay those of the file.
    cleaned = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), raw)
    rows = cleaned.splitlines()
    tables, table_rows = _tables(rows, line)
    fields: dict[str, str] = {}
    titles: dict[str, str] = {}
    lines: dict[str, int] = {}
    prose: list[tuple[int, str]] = []
    index = 0
    while index < len(rows):
        row, number = rows[index], line + index + 1
        index += 1
        if index - 1 in table_rows:
            continue
        found = _field(row)
        if found is None:
            prose.append((number, row))
            continue
        key_text, value = found
        if not value:
            follow = _paragraph(rows, index, table_rows)
            if not follow and not _BULLET_FIELD.match(row):
                prose.append((number, row))  # a bold caption (`**BibTeX:**`) over a block
                continue
            value = " ".join(r.strip() for r in follow)
            index += len(follow)
        key = normalise(key_text)
        titles[key] = _OPTIONAL.sub("", key_text).strip().rstrip(":.").strip()
        lines[key] = number
        present = text(value)
        if present is not None:
            fields[key] = present
        else:
            fields.setdefault(key, "")
    body = "\n".join(r for _, r in prose).strip()
    return Section(
        title,
        normalise(title),
        level,
        line,
        body,
        fields,
        titles,
        lines,
        trail,
        tuple(tables),
        tuple((n, r) for n, r in prose if r.strip()),
    )


def _field(row: str) -> tuple[str, str] | None:
    """(key, value) when a line names a field: `- **Key:** v`, `**Key:** v`, `- key: v`."""
    match = _BULLET_FIELD.match(row)
    if match:
        return match.group("key"), match.group("value")
    match = _BOLD_FIELD.match(row)
    if match and normalise(match.group("key")):
        key, value = match.group("key"), match.group("value")
        marked = match.group("c1") or match.group("c2")
        short = len(key.split()) <= 8
        if short and (marked or not value or re.match(r"[A-Z0-9\[(]", value)):
            return key, value
        return None
    match = _KEY_VALUE.match(row)
    if match and len(match.group("key").split()) <= 4:
        return match.group("key"), match.group("value")
    return None


def _paragraph(rows: list[str], start: int, skip: set[int]) -> list[str]:
    """The lines right below a bold lead with no value of its own, up to a blank line."""
    taken: list[str] = []
    for index in range(start, len(rows)):
        row = rows[index]
        if not row.strip() or index in skip or _field(row) is not None:
            break
        taken.append(row)
    return taken


def _tables(rows: list[str], heading_line: int) -> tuple[list[Table], set[int]]:
    """Pipe tables (header, rule, rows) and HTML tables, with the row indexes they occupy."""
    tables: list[Table] = []
    used: set[int] = set()
    index = 0
    while index < len(rows):
        if (
            _PIPE_ROW.match(rows[index])
            and index + 1 < len(rows)
            and _PIPE_RULE.match(rows[index + 1])
        ):
            end = index + 2
            while end < len(rows) and _PIPE_ROW.match(rows[end]):
                end += 1
            tables.append(_pipe_table(rows, index, end, heading_line))
            used.update(range(index, end))
            index = end
        elif "<table" in rows[index].lower():
            end = index
            while end < len(rows) and "</table" not in rows[end].lower():
                end += 1
            end = min(end + 1, len(rows))
            table = _html_table(rows, index, end, heading_line)
            if table is not None:
                tables.append(table)
                used.update(range(index, end))
            index = end
        else:
            index += 1
    return tables, used


def _cells(row: str) -> tuple[str, ...]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return tuple(plain(cell) for cell in re.split(r"(?<!\\)\|", inner))


def _pipe_table(rows: list[str], start: int, end: int, heading_line: int) -> Table:
    line = heading_line + start + 1
    body = tuple((heading_line + i + 1, _cells(rows[i])) for i in range(start + 2, end))
    raw = tuple(rows[i].strip() for i in range(start + 2, end))
    return Table(f"table at line {line}", line, _cells(rows[start]), body, raw)


def _html_table(rows: list[str], start: int, end: int, heading_line: int) -> Table | None:
    from govern.load.importers.html_table import read_html_table

    parsed = read_html_table(rows[start:end])
    if not parsed:
        return None
    line = heading_line + start + 1
    header, *body = parsed
    located = tuple((heading_line + start + offset + 1, cells) for offset, cells in body)
    raw = tuple(" | ".join(cells) for _, cells in body)
    return Table(f"table at line {line}", line, header[1], located, raw)


def _section_value(section: Section) -> Any:
    """What a section holds, as it appears in `unmapped`: its prose, bullets, tables."""
    if not section.field_titles and not section.tables:
        return section.body or None
    value: dict[str, Any] = {
        section.field_titles[key]: (val or None) for key, val in section.fields.items()
    }
    for table in section.tables:
        value[table.key] = list(table.raw)
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
