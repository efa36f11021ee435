"""European standards for the AI Act as a crosswalk to the rules covering the same provisions.

A standard is context for the reader of a coverage listing, never a gate: no rule depends on one.
What matters to a compliance officer is its legal weight, so every entry carries it in words that
cannot overstate it: a published EN gives a presumption of conformity (Art.40(1)) only once cited
in the Official Journal, and a draft (prEN) has no legal effect at all. The clause-to-provision
mapping is editorial and marked verified: false in govern/reference/standards.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import model_validator

from govern.evidence.base import Record
from govern.policy.loader import PackSet
from govern.reference import load_catalogue, load_standards

StandardStatus = Literal["published", "draft"]
WHOLE_DRAFT = "(whole draft)"
_LAST_POINT = re.compile(r"\([^()]*\)$")


class Clause(Record):
    clause: str
    title: str
    eu_ai_act: list[str] = []
    note: str | None = None


class Standard(Record):
    """One standard as standards.yaml records it; its legal weight is checked on load, so the
    catalogue cannot claim a presumption of conformity the Official Journal has not given."""

    id: str
    title: str
    status: StandardStatus
    published: str | None = None
    cited_in_oj: bool = False
    presumption_of_conformity: bool = False
    citation_note: str | None = None
    verified: bool = False
    sources: list[str] = []
    clauses: list[Clause] = []
    eu_ai_act: list[str] = []

    @model_validator(mode="after")
    def _honest_status(self) -> Standard:
        if self.status == "draft" and (self.cited_in_oj or self.clauses):
            raise ValueError(f"{self.id}: a draft is neither cited in the OJ nor mapped by clause")
        if self.presumption_of_conformity and not self.cited_in_oj:
            raise ValueError(f"{self.id}: no presumption of conformity without an OJ citation")
        return self

    def rows(self) -> list[Clause]:
        """Its clauses, or the whole draft as one row."""
        return self.clauses or [
            Clause(clause=WHOLE_DRAFT, title=self.title, eu_ai_act=self.eu_ai_act)
        ]


class Source(Record):
    id: str
    what: str
    where: str | None = None
    note: str | None = None


class StandardsCatalogue(Record):
    sources: list[Source]
    standards: list[Standard]


@cache
def standards_catalogue() -> StandardsCatalogue:
    """govern/reference/standards.yaml, validated."""
    return StandardsCatalogue.model_validate(load_standards())


@dataclass(frozen=True)
class ClauseCoverage:
    clause: str
    title: str
    provisions: tuple[str, ...]
    rules: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class StandardCoverage:
    id: str
    title: str
    status: StandardStatus
    cited_in_oj: bool
    presumption_of_conformity: bool
    citation: str
    verified: bool
    sources: tuple[str, ...]
    clauses: tuple[ClauseCoverage, ...]
    # A crosswalk entry never decides a verdict, whatever its status.
    gates: bool = False


def citation_status(status: str, cited_in_oj: bool) -> str:
    """The legal weight of a standard in one phrase."""
    if status == "draft":
        return "draft (prEN): no legal effect, never gates"
    if cited_in_oj:
        return "published and cited in the Official Journal: presumption of conformity (Art.40(1))"
    return "published, not cited in the Official Journal: no presumption of conformity"


def standards_coverage(packs: PackSet) -> list[StandardCoverage]:
    """Each standard with, per clause, the AI Act provisions it addresses and the loaded EU AI Act
    rules citing them (or a containing provision: Art.17(1) covers a clause on Art.17(1)(f))."""
    citing: dict[str, list[str]] = {}
    for rule in packs.rules:
        if rule.pack.framework != "eu-ai-act":  # other frameworks' rules cite it only in passing
            continue
        for provision in rule.spec.refs.get("eu-ai-act", []):
            citing.setdefault(provision, []).append(rule.id)
    return [
        StandardCoverage(
            id=s.id,
            title=s.title,
            status=s.status,
            cited_in_oj=s.cited_in_oj,
            presumption_of_conformity=s.presumption_of_conformity,
            citation=(s.citation_note or citation_status(s.status, s.cited_in_oj)).strip(),
            verified=s.verified,
            sources=tuple(s.sources),
            clauses=tuple(
                ClauseCoverage(
                    clause=row.clause,
                    title=row.title,
                    provisions=tuple(row.eu_ai_act),
                    rules=_rules_for(row.eu_ai_act, citing),
                    note=row.note,
                )
                for row in s.rows()
            ),
        )
        for s in standards_catalogue().standards
    ]


def standards_problems() -> list[str]:
    """Provision ids in standards.yaml that the EU AI Act catalogue does not know."""
    catalogue = load_catalogue("eu-ai-act")
    return [
        f"{entry.id} {row.clause}: unknown EU AI Act provision {provision!r}"
        for entry in standards_catalogue().standards
        for row in entry.rows()
        for provision in row.eu_ai_act
        if provision not in catalogue
    ]


def _rules_for(provisions: list[str], citing: dict[str, list[str]]) -> tuple[str, ...]:
    found: list[str] = []
    for provision in provisions:
        for pid in _self_and_containers(provision):
            found.extend(r for r in citing.get(pid, []) if r not in found)
    return tuple(found)


def _self_and_containers(provision: str) -> list[str]:
    """Art.17(1)(f) -> Art.17(1)(f), Art.17(1), Art.17."""
    chain = [provision]
    while _LAST_POINT.search(chain[-1]):
        chain.append(_LAST_POINT.sub("", chain[-1]))
    return chain


def standards_payload(standards: list[StandardCoverage]) -> list[dict[str, Any]]:
    """The JSON form `policies coverage --format json` lists under the EU AI Act."""
    return [
        {
            "id": s.id,
            "title": s.title,
            "status": s.status,
            "cited_in_oj": s.cited_in_oj,
            "presumption_of_conformity": s.presumption_of_conformity,
            "citation_status": citation_status(s.status, s.cited_in_oj),
            "citation_note": s.citation,
            "gates": s.gates,
            "verified": s.verified,
            "sources": list(s.sources),
            "clauses": [
                {
                    "clause": c.clause,
                    "title": c.title,
                    "eu_ai_act": list(c.provisions),
                    "rules": list(c.rules),
                    **({"note": c.note} if c.note else {}),
                }
                for c in s.clauses
            ],
        }
        for s in standards
    ]


def standards_lines(standards: list[StandardCoverage]) -> list[str]:
    """The text form: one line per standard with its legal weight, then one per clause."""
    lines = ["Standards (crosswalk only, never gating; mapping editorial, verified: false):"]
    for s in standards:
        lines.append(f"  {s.id}: {s.title} [{citation_status(s.status, s.cited_in_oj)}]")
        for c in s.clauses:
            label = "" if c.clause == WHOLE_DRAFT else f"{c.clause} {c.title}: "
            provisions = ", ".join(c.provisions) or c.note or "no AI Act provision"
            rules = ", ".join(c.rules) or "no rule"
            lines.append(f"    {label}{provisions} -> {rules}")
    return lines
