"""Read an HTML table written inside a Markdown card into rows of cell text, spans filled in."""

# Model cards (Llama's among them) write benchmark results as raw <table> markup. Only the text of
# the cells is kept; a cell spanning rows or columns is repeated where it spans, as a reader reads
# it. Nothing is fetched or rendered: this is the standard library's tokenizer, not a browser.

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[tuple[str, int, int]]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append((self.getpos()[0] - 1, []))
        elif tag in ("td", "th") and self.rows:
            found = dict(attrs)
            self.cell = []
            self.span = (_count(found.get("rowspan")), _count(found.get("colspan")))
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.rows:
            content = re.sub(r"\s+", " ", "".join(self.cell)).strip()
            self.rows[-1][1].append((content, *self.span))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _count(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() and 0 < int(value) <= 100 else 1


def read_html_table(lines: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    """(line offset of the row, its cells) for each row; spans repeated across what they cover."""
    parser = _Cells()
    parser.feed("\n".join(lines))
    parser.close()
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered)
    out: list[tuple[int, tuple[str, ...]]] = []
    for offset, cells in parser.rows:
        row: list[str] = []
        queue = list(cells)
        column = 0
        while queue or column in pending:
            if column in pending:
                content, left = pending.pop(column)
                row.append(content)
                if left > 1:
                    pending[column] = (content, left - 1)
                column += 1
                continue
            content, rows, columns = queue.pop(0)
            for _ in range(columns):
                row.append(content)
                if rows > 1:
                    pending[column] = (content, rows - 1)
                column += 1
        if any(row):
            out.append((offset, tuple(row)))
    return out
