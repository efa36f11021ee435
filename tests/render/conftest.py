"""Assessments of the bundled examples, made once per session, for the renderer tests."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from govern.engine.assessment import Assessment
from govern.engine.evaluate import EngineOptions, assess
from govern.load.bundle import load_system
from govern.policy.loader import load_packs
from tests.conftest import REPO, edit

AS_OF = dt.date(2026, 11, 25)
EXAMPLES = REPO / "examples"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"

WAIVERS = """\
waivers:
  - rule: EUAIA-50-AI-DISCLOSURE
    reason: Disclosure banner ships in release 1.5 (ticket LUM-88), 2 weeks out.
    approved_by: Head of Digital Channels
    expires: 2026-12-15
  - rule: EUAIA-50-DISCLOSURE-TIMING
    reason: Tracked in LUM-90.
    approved_by: Head of Digital Channels
    expires: 2027-06-30
"""


def assess_folder(root: Path, as_of: dt.date = AS_OF) -> Assessment:
    """The assessment `govern check ROOT --as-of AS_OF` makes, without the CLI."""
    bundle = load_system(root)
    packs = load_packs(bundle.manifest.policy_sources(), bundle.root, bundle.manifest_document)
    return assess(bundle, packs, EngineOptions(as_of=as_of))


def sarif_errors(log: dict[str, Any]) -> list[str]:
    """Every way a SARIF log breaks the official 2.1.0 schema."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)
    ]


@pytest.fixture(scope="session")
def chatbot() -> Assessment:
    """The support-chatbot example: fails, with findings in the model card and attestations."""
    return assess_folder(EXAMPLES / "support-chatbot")


@pytest.fixture(scope="session")
def credit() -> Assessment:
    """The credit-scoring example: passes every applicable rule."""
    return assess_folder(EXAMPLES / "credit-scoring")


@pytest.fixture(scope="session")
def waived_chatbot(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    """The support chatbot with two of its failures waived."""
    root = tmp_path_factory.mktemp("waived") / "support-chatbot"
    shutil.copytree(EXAMPLES / "support-chatbot", root)
    edit(root / "govern.yaml", "waivers: []\n", WAIVERS)
    return assess_folder(root)
