"""The three frameworks' provision ids, read from the reference catalogues shipped with the package.

The YAML files beside this module are copies of shared/reference/ (a test keeps them in step; the
EU catalogue adds a marked block of Omnibus obligations, and standards.yaml is the package's own).
Only the linter and coverage read them, so `govern check` does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

FRAMEWORKS = ("eu-ai-act", "iso-42001", "nist-ai-rmf")
FRAMEWORK_TITLES = {
    "eu-ai-act": "EU AI Act",
    "iso-42001": "ISO/IEC 42001",
    "nist-ai-rmf": "NIST AI RMF",
}
_FILES = {
    "eu-ai-act": "eu_ai_act.yaml",
    "iso-42001": "iso_42001.yaml",
    "nist-ai-rmf": "nist_ai_rmf.yaml",
}

# Art.5(1) letters and Annex III points are needed to validate a manifest on every run; they are
# kept here as constants (checked against the catalogue by tests) to keep start-up cheap.
PROHIBITED_PRACTICES = {
    "a": "subliminal, manipulative or deceptive techniques",
    "b": "exploiting vulnerabilities (age, disability, social or economic situation)",
    # Added by Regulation (EU) 2026/1744 (verified: false), applying from 2 December 2026.
    "ba": "generating or manipulating intimate imagery of an identifiable person without consent",
    "bb": "generating or manipulating child sexual abuse material",
    "c": "social scoring",
    "d": "predicting crime from profiling or personality traits alone",
    "e": "untargeted scraping of facial images",
    "f": "emotion recognition at work or in education",
    "g": "biometric categorisation deducing sensitive attributes",
    "h": "real-time remote biometric identification for law enforcement",
}
ANNEX_III_POINTS = {
    "1(a)": "Remote biometric identification",
    "1(b)": "Biometric categorisation by sensitive or protected attributes",
    "1(c)": "Emotion recognition",
    "2": "Safety components of critical infrastructure",
    "3(a)": "Access or admission to education and vocational training",
    "3(b)": "Evaluating learning outcomes",
    "3(c)": "Assessing the appropriate level of education",
    "3(d)": "Monitoring prohibited behaviour of students during tests",
    "4(a)": "Recruitment and selection",
    "4(b)": "Decisions on work terms, promotion, termination, task allocation and monitoring",
    "5(a)": "Eligibility for public assistance benefits and services",
    "5(b)": "Creditworthiness evaluation and credit scoring of natural persons",
    "5(c)": "Risk assessment and pricing in life and health insurance",
    "5(d)": "Emergency call evaluation, dispatch and patient triage",
    "6(a)": "Law enforcement: risk of becoming a crime victim",
    "6(b)": "Law enforcement: polygraphs and similar tools",
    "6(c)": "Law enforcement: reliability of evidence",
    "6(d)": "Law enforcement: risk of offending or re-offending",
    "6(e)": "Law enforcement: profiling in detection, investigation or prosecution",
    "7(a)": "Migration: polygraphs and similar tools",
    "7(b)": "Migration: security, irregular-migration or health risk of entrants",
    "7(c)": "Migration: examining asylum, visa and residence applications",
    "7(d)": "Migration: detecting, recognising or identifying persons",
    "8(a)": "Justice: assisting judicial authorities",
    "8(b)": "Democratic processes: influencing elections or voting behaviour",
}


# What a catalogue id is, for coverage: only obligations count towards percentages; headings and
# containers are covered through their points; the rest is listed but not counted.
ProvisionKind = str  # obligation | heading | definition | informative | classification | amendment
COUNTED_KINDS = ("obligation",)


@dataclass(frozen=True)
class Provision:
    id: str
    framework: str
    title: str
    verified: bool = True
    kind: ProvisionKind = "obligation"


@dataclass(frozen=True)
class Catalogue:
    framework: str
    provisions: dict[str, Provision]
    application_dates: frozenset[dt.date]

    def __contains__(self, provision_id: object) -> bool:
        return provision_id in self.provisions

    def children(self, provision_id: str) -> list[str]:
        """Ids directly or indirectly below a heading or container, e.g. Art.10(2) -> (2)(a)."""
        return list(self._below.get(provision_id, ()))

    @cached_property
    def _below(self) -> dict[str, list[str]]:
        """Every id's `children`, in catalogue order, made in one pass: coverage asks for the
        children of hundreds of ids, and a scan of the catalogue for each cost a run ~10 ms.

        An id is below every prefix of it that ends where a `(`, `.` or space follows.
        """
        below: dict[str, list[str]] = {}
        for provision_id in self.provisions:
            for end, char in enumerate(provision_id):
                if char in "(. ":
                    below.setdefault(provision_id[:end], []).append(provision_id)
        return below


def reference_path(framework: str) -> Path:
    return Path(str(resources.files("govern.reference").joinpath(_FILES[framework])))


def index_path() -> Path:
    return Path(str(resources.files("govern.reference").joinpath("index.json")))


@cache
def load_catalogue(framework: str) -> Catalogue:
    """The catalogue from the precomputed index (fast; the index is checked against the YAML)."""
    data = _index()[framework]
    provisions = {
        item["id"]: Provision(item["id"], framework, item["title"], item["verified"], item["kind"])
        for item in data["provisions"]
    }
    dates = frozenset(dt.date.fromisoformat(d) for d in data["application_dates"])
    return Catalogue(framework, provisions, dates)


@cache
def _index() -> dict[str, Any]:
    """index.json, read once per process (a run asks for all three frameworks)."""
    import json

    index: dict[str, Any] = json.loads(index_path().read_text(encoding="utf-8"))
    return index


def build_index() -> dict[str, Any]:
    """Parse the reference YAML into the index that load_catalogue reads."""
    index: dict[str, Any] = {}
    for framework in FRAMEWORKS:
        catalogue = build_catalogue(framework)
        index[framework] = {
            "provisions": [
                {"id": p.id, "title": p.title, "verified": p.verified, "kind": p.kind}
                for p in catalogue.provisions.values()
            ],
            "application_dates": sorted(d.isoformat() for d in catalogue.application_dates),
        }
    return index


def write_index() -> None:
    """Regenerate index.json after the reference YAML changed (python -m govern.reference)."""
    import json

    from govern.outputs import write_atomic

    text = json.dumps(build_index(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    write_atomic(index_path(), text)


def build_catalogue(framework: str) -> Catalogue:
    data = _read_yaml(reference_path(framework))
    provisions: dict[str, Provision] = {}

    def add(pid: Any, title: Any, verified: bool = True, kind: str = "obligation") -> None:
        if isinstance(pid, str) and "," not in pid and pid not in provisions:
            provisions[pid] = Provision(pid, framework, str(title or ""), verified, kind)

    dates: set[dt.date] = set()
    if framework == "eu-ai-act":
        for block in data.get("provisions", []):
            block_kind = _eu_block_kind(block)
            for item in block.get("items", []):
                kind = block_kind
                if kind == "obligation" and item.get("applies_to", block.get("applies_to")) == []:
                    kind = "informative"
                add(item.get("id"), item.get("obligation"), bool(block.get("verified", True)), kind)
            for area in block.get("areas", []):
                add(area.get("id"), area.get("area"), kind="classification")
                for point in area.get("points", []):
                    add(point.get("id"), point.get("use"), kind="classification")
        for item in data.get("definitions_used", []):
            add(item.get("id"), item.get("term"), kind="definition")
        omnibus = data.get("digital_omnibus", {})
        for item in omnibus.get("amendments", []) + omnibus.get("amended_application_dates", []):
            add(item.get("id"), item.get("summary") or item.get("as_amended"), False, "amendment")
        _collect_dates(data.get("application_dates"), dates)
        for item in data.get("key_dates", []):
            if isinstance(item.get("date"), dt.date):
                dates.add(item["date"])
    elif framework == "iso-42001":
        for clause in data.get("clauses", []):
            kind = "heading" if "." not in str(clause.get("id")) else "obligation"
            add(clause.get("id"), clause.get("title"), bool(clause.get("verified", True)), kind)
        for group in data.get("annex_a", []):
            add(group.get("group"), group.get("name"), kind="heading")
            for sub in group.get("subgroups", []):
                add(sub.get("id"), sub.get("title"), kind="heading")
            for control in group.get("controls", []):
                add(control.get("id"), control.get("title"), bool(control.get("verified", True)))
        # Clauses with sub-clauses (6.1, 7.5, 9.2, 9.3) are headings of those sub-clauses.
        for pid in list(provisions):
            children = [p for p in provisions if p.startswith(f"{pid}.")]
            if children and provisions[pid].kind == "obligation":
                provisions[pid] = Provision(
                    pid, framework, provisions[pid].title, provisions[pid].verified, "heading"
                )
    else:
        for function in data.get("functions", []):
            add(function.get("id"), function.get("purpose"), kind="heading")
            for category in function.get("categories", []):
                add(category.get("id"), category.get("outcome"), kind="heading")
                for sub in category.get("subcategories", []):
                    add(sub.get("id"), sub.get("outcome"), bool(sub.get("verified", True)))
        for risk in data.get("genai_profile", {}).get("risks", []):
            add(risk.get("id"), risk.get("name"), bool(risk.get("verified", True)))
        for characteristic in data.get("trustworthy_characteristics", []):
            add(characteristic.get("id"), characteristic.get("name"), kind="informative")
    return Catalogue(framework, provisions, frozenset(dates))


def _eu_block_kind(block: dict[str, Any]) -> str:
    if block.get("tier") == "enforcement" or block.get("article") in (111, 113):
        return "informative"
    return "obligation"


def _collect_dates(node: Any, into: set[dt.date]) -> None:
    if isinstance(node, dt.date):
        into.add(node)
    elif isinstance(node, dict):
        for value in node.values():
            _collect_dates(value, into)
    elif isinstance(node, list):
        for value in node:
            _collect_dates(value, into)


def load_crosswalk() -> dict[str, Any]:
    path = Path(str(resources.files("govern.reference").joinpath("crosswalk.yaml")))
    data: dict[str, Any] = _read_yaml(path)
    return data


def load_standards() -> dict[str, Any]:
    """European standards for the AI Act and the provisions they address (standards.yaml)."""
    path = Path(str(resources.files("govern.reference").joinpath("standards.yaml")))
    data: dict[str, Any] = _read_yaml(path)
    return data


def _read_yaml(path: Path) -> Any:
    """The catalogues are govern's own packaged files: read plainly, not as user evidence.

    Going through load/ would make the reference (which load/ itself validates manifests against)
    depend on the stage above it.
    """
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
