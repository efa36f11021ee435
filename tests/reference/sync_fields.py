"""Keep govern/reference/fields.yaml in step with shared/reference/evidence_fields.md."""

# The catalogue's own columns (title, what the field holds, its automated check, where formats carry
# it, the provisions it serves) are copied from the markdown tables; govern's columns (`document`,
# `required_for`, `recommended_for`, `checks`, `weak`) are kept as they are in fields.yaml, and a
# field new to the catalogue gets empty ones to fill in.
#
#     python tests/reference/sync_fields.py            # rewrite fields.yaml
#     python tests/reference/sync_fields.py --check    # exit 1 if it is out of date

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = REPO.parent / "shared" / "reference" / "evidence_fields.md"
FIELDS = REPO / "govern" / "reference" / "fields.yaml"

HEADER = """\
# Evidence fields govern's `card lint` checks, one entry per field of the reference catalogue
# (shared/reference/evidence_fields.md). Generated: `python tests/reference/sync_fields.py`
# copies key, title, holds, automated_check, formats and provisions from the catalogue and keeps
# govern's own columns, which are edited here by hand:
#   document         which evidence holds the field: model_card, dataset, fairness or manifest
#   required_for     profiles for which a gap is blocking: high, limited, minimal (risk tiers),
#                    gpai, gpai_systemic, or an Art.50 trigger (interacts_with_persons, ...)
#   recommended_for  profiles for which a gap is reported as advisory
#   checks           policy-check data (same operators and `present` semantics as policy packs);
#                    `when` narrows a check to some profiles, `advisory: true` never blocks,
#                    `frameworks` makes a check apply (and block) for every tier whenever one
#                    of those frameworks is in scope (ISO/NIST controls are not tiered)
#   weak             checks on the quality of a value that is there, each with a message
"""

OWN_COLUMNS = ("document", "required_for", "recommended_for", "checks", "weak")
_ROW = re.compile(r"^\|\s*`(?P<key>(?:mc|dp|bm)\.[a-z0-9_]+)`\s*\|(?P<rest>.*)\|\s*$")


def _ids(cell: str) -> list[str]:
    cell = cell.strip()
    if cell in ("", "-"):
        return []
    return [part.strip() for part in cell.split(",") if part.strip()]


def parse_catalogue(text: str) -> list[dict[str, Any]]:
    """The field rows of sections 1-3: key, title, holds, check, formats, provisions."""
    fields = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if not match:
            continue
        cells = [c.strip() for c in match.group("rest").split("|")]
        if len(cells) != 7:
            continue
        title, holds, check, formats, eu, iso, nist = cells
        fields.append(
            {
                "key": match.group("key"),
                "title": title,
                "holds": holds,
                "automated_check": check,
                "formats": formats,
                "provisions": {
                    "eu-ai-act": _ids(eu),
                    "iso-42001": _ids(iso),
                    "nist-ai-rmf": _ids(nist),
                },
            }
        )
    return fields


def merged(catalogue: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    own = {entry["key"]: entry for entry in current}
    out = []
    for field in catalogue:
        entry = dict(field)
        previous = own.get(field["key"], {})
        for column in OWN_COLUMNS:
            if column in previous:
                entry[column] = previous[column]
        entry.setdefault("document", _document(field["key"]))
        out.append(entry)
    return out


def _document(key: str) -> str:
    return {"mc": "model_card", "dp": "dataset", "bm": "fairness"}[key.split(".")[0]]


def render(fields: list[dict[str, Any]]) -> str:
    body = yaml.safe_dump(
        {"fields": fields}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return HEADER + body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    args = parser.parse_args()
    catalogue = parse_catalogue(args.catalogue.read_text(encoding="utf-8"))
    current = (
        yaml.safe_load(FIELDS.read_text(encoding="utf-8"))["fields"] if FIELDS.exists() else []
    )
    text = render(merged(catalogue, current))
    if args.check:
        up_to_date = FIELDS.exists() and FIELDS.read_text(encoding="utf-8") == text
        print("fields.yaml is up to date" if up_to_date else "fields.yaml is out of date")
        return 0 if up_to_date else 1
    FIELDS.write_text(text, encoding="utf-8")
    print(f"wrote {FIELDS.relative_to(REPO)} ({len(catalogue)} fields)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
