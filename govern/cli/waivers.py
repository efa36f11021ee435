"""`govern waivers`: see which waivers still waive, which lapse soon, and which never did."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govern.cli.options import DATE

if TYPE_CHECKING:
    from govern.engine.waivers import WaiverEntry

_ORDER = {"expired": 0, "malformed": 1, "expiring": 2, "active": 3}


@click.group("waivers")
def group() -> None:
    """Work with the waivers in govern.yaml."""


@group.command("list")
@click.argument("target", type=click.Path(path_type=Path), default=".", required=False)
@click.option(
    "--expiring",
    "days",
    type=click.IntRange(min=0),
    envvar="GOVERN_WAIVERS_EXPIRING",
    help="Show only waivers that need action within DAYS (expiring by then, expired or "
    "malformed), and exit 1 when there is one.",
)
@click.option(
    "--as-of",
    type=DATE,
    envvar="GOVERN_AS_OF",
    help="Judge the waivers as of this date (default: today in UTC).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    envvar="GOVERN_WAIVERS_FORMAT",
    show_default=True,
)
def list_command(target: Path, days: int | None, as_of: dt.date | None, fmt: str) -> None:
    """List each waiver in TARGET's govern.yaml as active, expiring, expired or malformed.

    A waiver is expiring within 30 days of its expiry date (or within --expiring DAYS). Expired
    and malformed waivers waive nothing: the rules they name fail again. A waiver is malformed,
    as `govern check` judges it, when a field is missing or wrong or its rule is in no loaded
    pack. Exits 1 when a waiver is malformed (or, with --expiring, when any needs action).
    """
    from govern.engine.waivers import judge_waivers
    from govern.evidence.filled import utc_today
    from govern.load.bundle import load_manifest
    from govern.policy.loader import load_packs

    document, manifest = load_manifest(target)
    # The packs `check` would load: a waiver naming none of their rules waives nothing there.
    packs = load_packs(manifest.policy_sources(), document.path.parent, document)
    today = as_of or utc_today()
    window = 30 if days is None else days
    entries = judge_waivers(manifest.waivers, document, {rule.id for rule in packs.rules})
    rows = [
        _Row.of(entry, entry.state(today, window), today)
        for entry in entries
        if days is None or entry.state(today, window) != "active"
    ]
    rows.sort(key=lambda r: (_ORDER[r.state], r.expires or "", r.line))
    if fmt == "json":
        data = {"as_of": today.isoformat(), "waivers": [asdict(r) for r in rows]}
        click.echo(json.dumps(data, indent=2))
    else:
        _print(rows, len(entries), document.path.name, today)
    if (days is not None and rows) or any(row.state == "malformed" for row in rows):
        raise click.exceptions.Exit(1)


@dataclass(frozen=True)
class _Row:
    state: str
    rule: str | None
    expires: str | None
    days_left: int | None
    approved_by: str | None
    reason: str | None
    problem: str | None
    line: int

    @classmethod
    def of(cls, entry: WaiverEntry, state: str, today: dt.date) -> _Row:
        waiver = entry.waiver
        return cls(
            state=state,
            rule=entry.rule,
            expires=waiver.expires.isoformat() if waiver else None,
            days_left=(waiver.expires - today).days if waiver else None,
            approved_by=waiver.approved_by if waiver else None,
            reason=waiver.reason if waiver else None,
            problem=entry.problem,
            line=entry.line,
        )


def _print(rows: list[_Row], total: int, manifest: str, today: dt.date) -> None:
    from govern.render.display import visible, visible_values

    colours = {"active": "green", "expiring": "yellow", "expired": "red", "malformed": "red"}
    # Manifest text reaches the terminal with control and bidi characters shown, not obeyed.
    rows, manifest = visible_values(rows), visible(manifest)
    for row in rows:
        label = click.style(f"{row.state.upper():<9}", fg=colours[row.state], bold=True)
        where = f"{manifest}:{row.line}"
        if row.days_left is None:
            click.echo(f"{label}  {row.rule or '(no rule)'}  {where}: {row.problem}")
            continue
        when = (
            f"expired {-row.days_left} day(s) ago"
            if row.days_left < 0
            else f"{row.days_left} day(s) left"
        )
        click.echo(
            f"{label}  {row.rule}  until {row.expires} ({when})  "
            f"approved by {row.approved_by}  {where}"
        )
        click.echo(f"           {row.reason}")
    shown = f"{len(rows)} of {total}" if len(rows) != total else str(total)
    click.echo(f"{shown} waiver(s) as of {today}")
