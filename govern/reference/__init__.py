"""The three frameworks' provision ids, read from the reference catalogues shipped with the package.

The YAML files beside this module are byte-for-byte copies of shared/reference/ (a test keeps them
in step). Only the linter and coverage read them, so `govern check` does not pay for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
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


@dataclass(frozen=True)
class Provision:
    id: str
    framework: str
    title: str
    verified: bool = True


@dataclass(frozen=True)
class Catalogue:
    framework: str
    provisions: dict[str, Provision]
    application_dates: frozenset[dt.date]

    def __contains__(self, provision_id: object) -> bool:
        return provision_id in self.provisions


def reference_path(framework: str) -> Path:
    return Path(str(resources.files("govern.reference").joinpath(_FILES[framework])))


@cache
def load_catalogue(framework: str) -> Catalogue:
    from govern.documents import load_document

    data = load_document(reference_path(framework)).data
    provisions: dict[str, Provision] = {}

    def add(pid: Any, title: Any, verified: bool = True) -> None:
        if isinstance(pid, str) and "," not in pid and pid not in provisions:
            provisions[pid] = Provision(pid, framework, str(title or ""), verified)

    dates: set[dt.date] = set()
    if framework == "eu-ai-act":
        for block in data.get("provisions", []):
            for item in block.get("items", []):
                add(item.get("id"), item.get("obligation"), bool(block.get("verified", True)))
            for area in block.get("areas", []):
                add(area.get("id"), area.get("area"))
                for point in area.get("points", []):
                    add(point.get("id"), point.get("use"))
        for item in data.get("definitions_used", []):
            add(item.get("id"), item.get("term"))
        omnibus = data.get("digital_omnibus", {})
        for item in omnibus.get("amendments", []) + omnibus.get("amended_application_dates", []):
            add(item.get("id"), item.get("summary") or item.get("as_amended"), verified=False)
        _collect_dates(data.get("application_dates"), dates)
        for item in data.get("key_dates", []):
            if isinstance(item.get("date"), dt.date):
                dates.add(item["date"])
    elif framework == "iso-42001":
        for clause in data.get("clauses", []):
            add(clause.get("id"), clause.get("title"), bool(clause.get("verified", True)))
        for group in data.get("annex_a", []):
            add(group.get("group"), group.get("name"))
            for sub in group.get("subgroups", []):
                add(sub.get("id"), sub.get("title"))
            for control in group.get("controls", []):
                add(control.get("id"), control.get("title"), bool(control.get("verified", True)))
    else:
        for function in data.get("functions", []):
            add(function.get("id"), function.get("purpose"))
            for category in function.get("categories", []):
                add(category.get("id"), category.get("outcome"))
                for sub in category.get("subcategories", []):
                    add(sub.get("id"), sub.get("outcome"), bool(sub.get("verified", True)))
        for risk in data.get("genai_profile", {}).get("risks", []):
            add(risk.get("id"), risk.get("name"), bool(risk.get("verified", True)))
    return Catalogue(framework, provisions, frozenset(dates))


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
    from govern.documents import load_document

    path = Path(str(resources.files("govern.reference").joinpath("crosswalk.yaml")))
    data: dict[str, Any] = load_document(path).data
    return data
