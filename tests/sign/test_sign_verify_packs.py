"""`govern verify --evidence` re-hashes the policy packs too: a changed pack changes the verdict."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from govern.sign.keys import GeneratedKeys, load_public_key
from govern.sign.verify import verify_report
from tests.conftest import REPO, CliResult, copy_example, edit, write
from tests.sign.conftest import AS_OF, make_system

Run = Callable[..., CliResult]

ACME_PACK = """\
id: acme
title: ACME house rules
version: 1.0.0
overrides:
  - rule: EUAIA-19-LOG-RETENTION
    params: {min_retention_days: 365}
    reason: Group policy keeps logs for a year.
"""


@dataclass(frozen=True)
class SignedJson:
    system: Path
    json: Path


def sign_json(
    run_cli: Run, system: Path, keys: GeneratedKeys, out: Path, *extra: str | Path
) -> SignedJson:
    js = out / "assessment.json"
    args = ["--json", js, "--sign-key", keys.private_key, "--as-of", AS_OF, *extra]
    result = run_cli("report", system, *args)
    assert result.code == 0, result.err
    return SignedJson(system, js)


@pytest.fixture
def acme(run_cli: Run, keys: GeneratedKeys, tmp_path: Path) -> SignedJson:
    """The credit-scoring example with the organisation's own pack, signed as JSON only."""
    system = copy_example("credit-scoring", tmp_path / "credit-scoring")
    write(system / "policies" / "acme" / "pack.yaml", ACME_PACK)
    manifest = system / "govern.yaml"
    old = "policies: [builtin:eu-ai-act, builtin:iso-42001, builtin:nist-ai-rmf]"
    edit(manifest, old, "policies: [builtin:eu-ai-act, ./policies/acme]")
    return sign_json(run_cli, system, keys, tmp_path / "out")


def verify(run_cli: Run, signed: SignedJson, keys: GeneratedKeys) -> CliResult:
    return run_cli("verify", signed.json, "--key", keys.public_key, "--evidence", signed.system)


def test_the_organisation_pack_is_recorded_and_checked(
    run_cli: Run, acme: SignedJson, keys: GeneratedKeys
) -> None:
    assert "policies/acme/pack.yaml" in acme.json.read_text()
    result = verify(run_cli, acme, keys)
    assert result.code == 0, result.out
    assert "ok   policy policies/acme/pack.yaml: sha256 " in result.out
    files = len(list((REPO / "policies" / "eu-ai-act").glob("*.yaml")))
    assert (
        f"ok   policy builtin:eu-ai-act 0.1.0: {files} files match this govern's built-in pack"
        in (result.out)
    )


def test_a_changed_organisation_pack_fails_with_evidence(
    run_cli: Run, acme: SignedJson, keys: GeneratedKeys
) -> None:
    edit(acme.system / "policies" / "acme" / "pack.yaml", "365", "200")
    without = run_cli("verify", acme.json, "--key", keys.public_key)
    assert without.code == 0  # the report itself is intact
    result = verify(run_cli, acme, keys)
    assert result.code == 1
    assert "FAIL policy policies/acme/pack.yaml: changed since the report (sha256 " in result.out
    assert "INVALID: 1 check(s) failed" in result.out


def test_a_rule_file_added_to_the_pack_fails(
    run_cli: Run, acme: SignedJson, keys: GeneratedKeys
) -> None:
    write(acme.system / "policies" / "acme" / "more.yml", "[]\n")
    result = verify(run_cli, acme, keys)
    assert result.code == 1
    assert "FAIL policy policies/acme/more.yml: added since the report" in result.out


def test_a_removed_pack_file_fails(run_cli: Run, acme: SignedJson, keys: GeneratedKeys) -> None:
    shutil.rmtree(acme.system / "policies" / "acme")
    result = verify(run_cli, acme, keys)
    assert result.code == 1
    assert "FAIL policy policies/acme/pack.yaml: missing in " in result.out


def test_a_built_in_pack_of_another_version_is_not_rechecked(
    acme: SignedJson, keys: GeneratedKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govern.policy import loader

    installed = shutil.copytree(loader.builtin_root(), tmp_path / "installed")
    edit(installed / "eu-ai-act" / "pack.yaml", "version: 0.1.0", "version: 0.2.0")
    monkeypatch.setattr(loader, "builtin_root", lambda: installed)
    result = verify_report(acme.json, load_public_key(keys.public_key), acme.system)
    assert result.valid
    (note,) = [c for c in result.checks if c.what == "policy builtin:eu-ai-act 0.1.0"]
    assert (note.state, note.detail) == ("skip", "this govern has version 0.2.0, not re-checked")


def test_a_built_in_pack_that_differs_at_the_same_version_fails(
    acme: SignedJson, keys: GeneratedKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govern.policy import loader

    installed = shutil.copytree(loader.builtin_root(), tmp_path / "installed")
    rules = installed / "eu-ai-act" / "art12_logging.yaml"
    rules.write_text(rules.read_text() + "\n# edited\n")
    monkeypatch.setattr(loader, "builtin_root", lambda: installed)
    result = verify_report(acme.json, load_public_key(keys.public_key), acme.system)
    failed = [c for c in result.checks if c.state == "fail"]
    assert [c.what for c in failed] == ["policy builtin:eu-ai-act/art12_logging.yaml"]
    assert failed[0].detail.startswith("differs from this govern's built-in pack")


def test_a_pack_outside_the_system_folder_is_checked_when_present(
    run_cli: Run, keys: GeneratedKeys, tmp_path: Path
) -> None:
    system = make_system(tmp_path / "system")
    shutil.move(system / "pack", tmp_path / "shared-pack")
    edit(system / "govern.yaml", "policies: [./pack]", "policies: [../shared-pack]")
    # A pack outside the system folder is read only when --repo-root lets it be.
    refused = run_cli("report", system, "--json", tmp_path / "x.json", "--as-of", AS_OF)
    assert refused.code == 2
    assert "'../shared-pack' leaves the system folder" in refused.err
    signed = sign_json(run_cli, system, keys, tmp_path / "out", "--repo-root", tmp_path)
    present = verify(run_cli, signed, keys)
    assert present.code == 0, present.out
    assert "ok   policy ../shared-pack/pack.yaml" in present.out
    edit(tmp_path / "shared-pack" / "rules.yaml", "min_days: 183", "min_days: 100")
    changed = verify(run_cli, signed, keys)
    assert changed.code == 1
    assert "FAIL policy ../shared-pack/rules.yaml: changed since the report" in changed.out
    # Sent the system folder alone, the auditor cannot check that pack: a note, not a failure.
    alone = shutil.copytree(system, tmp_path / "auditor" / "system")
    result = run_cli("verify", signed.json, "--key", keys.public_key, "--evidence", alone)
    assert result.code == 0, result.out
    assert (
        "--   policy ../shared-pack 0.0.1: outside the system folder and not present, "
        "not re-checked"
    ) in result.out
