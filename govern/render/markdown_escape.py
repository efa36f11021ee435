"""The one escaping step for every value govern writes into Markdown.

govern's Markdown lands in pull-request comments, job summaries and SARIF help, where GitHub
renders it. A value from evidence or a pack must show there as the text it is: never a link, an
image, raw HTML, an autolink (`<https://...>`, or GFM's bare `www.`/`https://` ones), a heading, a
list, emphasis, a table cell boundary or the end of a code span.

CommonMark lets any ASCII punctuation character be backslash-escaped, and an escaped character is
always literal text. `md_text` escapes every character that can open or close an inline construct
(`\\`, backticks, `*`, `_`, `~`, `[`, `]`, `<`, `>`, `&`, `|`, `#`, `$` for GitHub's math) and
every character an autolink needs inside one run of text (`:` for `https://`, `.` for `www.` and
bare domains, `@` for e-mail addresses). What only means something at the start of a line is
escaped there alone (a leading `-`, `+`, `=` or `1)`; leading blanks as references such as
`&#32;`), so the result is also safe at a line's start, and the rest stays readable. GFM tables
split cells at `|` before inline parsing but honour `\\|`, so escaped text is also safe in a cell.
Line breaks and other control characters are first shown as `<U+XXXX>` by
`govern.render.display.visible`, so a value stays on its line.
"""

from __future__ import annotations

import re

from govern.render.display import visible

_ACTIVE = re.compile(r"[\\`*_~\[\]<>&|#$:.@]|^[-+=]")
_ORDERED_LIST = re.compile(r"^[0-9]+(?=\))")


def md_text(value: object) -> str:
    """`value` as Markdown inline text that renders back to `visible(str(value))` and nothing else.

    Safe anywhere inline text goes: a paragraph (at a line's start too), a heading, a blockquote
    or a GFM table cell.
    """
    text = _ORDERED_LIST.sub(r"\g<0>\\", _ACTIVE.sub(r"\\\g<0>", visible(str(value))))
    body = text.lstrip()
    # Leading blanks as character references: four spaces would start a code block at a line's
    # start, and parsers drop leading whitespace that a reader should still see.
    return "".join(f"&#{ord(c)};" for c in text[: len(text) - len(body)]) + body


def md_code(value: object, *, in_table: bool = False) -> str:
    """`value` as a Markdown code span (monospace), which no content can end early.

    The fence is one backtick longer than the longest run inside; a space pads content that starts
    or ends with a backtick, as CommonMark strips one such space on each side. In a table
    (`in_table`), a `|` is written `\\|`, which GFM reads as a pipe inside the cell, code spans
    included.
    """
    text = visible(str(value))
    if not text:
        return ""
    if in_table:
        text = text.replace("|", "\\|")
    runs = [len(run) for run in re.findall("`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "
    return f"{fence}{text}{fence}"
