"""Policy packs as OSCAL: a `catalog` per pack (rules as controls), a `profile` per framework.

The catalogs carry our own rule texts, never the frameworks' wording; each control names the
provisions it checks as props. A framework's profile selects, from every catalog, the controls
that reference that framework, so a GRC tool can import "govern's EU AI Act controls" as one set.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from govern.policy.model import Pack, Rule
from govern.reference import FRAMEWORK_TITLES
from govern.render.markdown_escape import md_text
from govern.render.oscal import Ids, Json, content_key, metadata, prop, provision_props

# OSCAL metadata needs a last-modified time; a pack's content, not the clock, decides the bytes.
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class OscalFile:
    """One document to write: its file name inside the export folder and its JSON text."""

    name: str
    text: str


def catalog_name(pack: Pack) -> str:
    return f"{pack.info.id}.catalog.json"


def export(packs: list[Pack], frameworks: tuple[str, ...]) -> list[OscalFile]:
    """A catalog per pack, then a profile per framework that at least one rule references."""
    files = [OscalFile(catalog_name(p), _dump({"catalog": catalog(p)})) for p in packs]
    for framework in frameworks:
        chosen = {p.info.id: [r.id for r in p.rules if framework in r.spec.refs] for p in packs}
        if any(chosen.values()):
            body = {"profile": profile(framework, packs, chosen)}
            files.append(OscalFile(f"{framework}.profile.json", _dump(body)))
    return files


def _dump(document: Json) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _pack_ids(pack: Pack) -> Ids:
    return Ids(content_key([pack.info.id, pack.info.version, list(pack.files)]))


def catalog(pack: Pack) -> Json:
    """The pack as an OSCAL catalog: one control per rule, in the order the pack lists them."""
    info = pack.info
    props = [prop("pack-id", info.id)]
    if info.framework is not None:
        props.append(prop("framework", info.framework))
    data: Json = {
        "uuid": _pack_ids(pack)("catalog"),
        "metadata": metadata(info.title, info.version, _EPOCH, props),
        "controls": [_control(rule) for rule in pack.rules],
    }
    if not data["controls"]:
        del data["controls"]
    return data


def _control(rule: Rule) -> Json:
    spec = rule.spec
    return {
        "id": rule.id,
        "class": "govern-rule",
        "title": md_text(spec.title),
        "props": [
            prop("severity", rule.severity),
            prop("blocking", str(rule.blocking).lower()),
            *provision_props({k: list(v) for k, v in spec.refs.items()}),
        ],
        "parts": [
            {
                "id": f"{rule.id}_smt",
                "name": "statement",
                "prose": md_text(spec.description or spec.title),
            },
            {"id": f"{rule.id}_gdn", "name": "guidance", "prose": md_text(spec.remediation)},
        ],
    }


def profile(framework: str, packs: list[Pack], chosen: dict[str, list[str]]) -> Json:
    """The controls of every catalog that reference `framework`, imported by their ids."""
    ids = Ids(content_key([framework, *(list(p.files) for p in packs)]))
    title = FRAMEWORK_TITLES.get(framework, framework)
    return {
        "uuid": ids("profile", framework),
        "metadata": metadata(
            f"govern controls for {title}", "1", _EPOCH, [prop("framework", framework)]
        ),
        "imports": [
            {
                "href": catalog_name(p),
                "include-controls": [{"with-ids": chosen[p.info.id]}],
            }
            for p in packs
            if chosen[p.info.id]
        ],
        "merge": {"as-is": True},
    }
