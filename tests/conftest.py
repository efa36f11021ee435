"""Shared fixtures: small real systems on disk and a way to run the real CLI entry point."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from govern.cli import main

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `shared` read ../shared (the real third-party corpus, the reference copies).

    They skip with a visible reason where it is absent, and fail when GOVERN_TEST_CORPUS is set
    (as .ci/run sets it), the way the Postgres tests follow GOVERN_TEST_POSTGRES_URL.
    """
    if item.get_closest_marker("shared") is None or SHARED.is_dir():
        return
    if os.environ.get("GOVERN_TEST_CORPUS"):
        pytest.fail(f"GOVERN_TEST_CORPUS is set but {SHARED} is missing", pytrace=False)
    pytest.skip(f"needs {SHARED} beside the clone (set GOVERN_TEST_CORPUS to require it)")


def source_tree(into: Path) -> Path:
    """A copy of the files git would ship (tracked and not ignored), to build a package from.

    Building from the checkout itself writes setuptools' build/ folder there, and two builds at
    once (test workers run in parallel) would race on it.
    """
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        source = REPO / raw.decode()
        if source.is_file():
            target = into / raw.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


MANIFEST = """\
govern: 1
system:
  id: demo
  name: Demo Scorer
  version: 1.0.0
  role: provider
  intended_purpose: Score loan applications for loan officers.
classification:
  annex_iii: "5(b)"
evidence:
  model_card: docs/card.yaml
  attestations: docs/attestations.yaml
policies: [./pack]
"""

CARD = """\
identity:
  name: Demo Scorer
  version: 1.0.0
provider:
  name: Demo Bank
logging:
  retention_days: 200
"""

ATTESTATIONS = """\
attestations:
  - control: qms
    statement: A documented QMS covers this system.
    attested_by: {name: Ada Lovelace, role: Head of Quality}
    date: 2026-06-01
"""

PACK = """\
id: demo
title: Demo pack
version: 0.0.1
framework: eu-ai-act
application_dates:
  high_risk:
    date: 2026-08-02
    basis: Art.113 second paragraph
    amended: {date: 2027-12-02, basis: Digital Omnibus, verified: false}
"""

RULES = """\
- id: DEMO-12-LOG-RETENTION
  title: Logs kept at least six months
  refs: {eu-ai-act: ["Art.19(1)"], nist-ai-rmf: ["MEASURE 2.4"]}
  applies_when: {risk_tier: [high]}
  severity: high
  effective_from: high_risk
  params: {min_days: 183}
  check: {min: {path: model_card.logging.retention_days, value: {param: min_days}}}
  remediation: Keep logs for at least 183 days.
- id: DEMO-16-PROVIDER
  title: Provider named
  refs: {eu-ai-act: ["Art.16(b)"]}
  severity: high
  check: {present: model_card.provider.name}
  remediation: Name the provider.
- id: DEMO-17-QMS
  title: Quality management system attested
  refs: {eu-ai-act: ["Art.17(1)"]}
  severity: high
  check: {attestation: {control: qms, max_age_days: 365}}
  remediation: Attest the QMS.
"""


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `govern ARGS` through the real entry point, as a user's shell would."""

    def run(*args: str | Path) -> CliResult:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def system(tmp_path: Path) -> Path:
    """A small valid high-risk system with its own three-rule pack."""
    root = tmp_path / "system"
    write(root / "govern.yaml", MANIFEST)
    write(root / "docs" / "card.yaml", CARD)
    write(root / "docs" / "attestations.yaml", ATTESTATIONS)
    write(root / "pack" / "pack.yaml", PACK)
    write(root / "pack" / "rules.yaml", RULES)
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_example(name: str, target: Path) -> Path:
    """A private copy of examples/NAME at `target`, so no test sees an example change halfway.

    data/ holds the predictions behind the fairness report: large, and not evidence itself.
    .govern/ is state a command may have left in the example (a ledger): never part of it.
    """
    source = REPO / "examples" / name

    def skipped(folder: str, names: list[str]) -> list[str]:
        return [".govern"] + (["data"] if Path(folder) == source else [])

    shutil.copytree(source, target, ignore=skipped)
    return target
