"""Issue 13 point 1: govern reads only inside the system folder (or --repo-root), only regular
files, and never echoes a file of the wrong kind back in its errors."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govern.load.containment import PathRefused, contained, excerpt
from tests.conftest import CliResult, edit, write

Run = Callable[..., CliResult]
SECRET = "root:$6$hunter2secret:19000:0:99999:7:::"
AS_OF = "2026-11-25"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file beside the system folder that no run may read."""
    return write(tmp_path / "secret.yaml", f"identity: {{name: '{SECRET}'}}\nleak: x\n")


def _point_card_at(system: Path, value: str) -> None:
    edit(system / "govern.yaml", "model_card: docs/card.yaml", f"model_card: {value!r}")


def _assert_refused(result: CliResult, *words: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert SECRET not in result.out + result.err and "hunter2" not in result.out + result.err
    lines = result.err.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), result.err
    for word in words:
        assert word in result.err, result.err


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("{outside}", ["is absolute"]),
        ("/etc/shadow", ["'/etc/shadow' is absolute"]),
        ("/dev/zero", ["is absolute"]),
        ("../secret.yaml", ["'../secret.yaml' leaves the system folder"]),
        ("docs/../../secret.yaml", ["leaves the system folder"]),
        ("~/.ssh/id_rsa", ["is absolute"]),
        ("docs/" + "a" * 300 + ".yaml", ["too long for a file name"]),
    ],
)
def test_paths_out_of_the_folder_are_refused(
    run_cli: Run, system: Path, outside: Path, value: str, words: list[str]
) -> None:
    _point_card_at(system, value.format(outside=outside))
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, "govern.yaml:", "evidence.model_card", *words)


def _symlink_out(card: Path, outside: Path) -> None:
    card.symlink_to(outside)


def _symlink_dir_out(card: Path, outside: Path) -> None:
    card.parent.rename(card.parent.with_name("real-docs"))
    card.parent.symlink_to(outside.parent)


def _loop(card: Path, outside: Path) -> None:
    card.symlink_to(card.name)


def _fifo(card: Path, outside: Path) -> None:
    os.mkfifo(card)


def _device(card: Path, outside: Path) -> None:
    card.symlink_to("/dev/zero")


def _directory(card: Path, outside: Path) -> None:
    card.mkdir()


@pytest.mark.parametrize(
    ("swap", "words"),
    [
        (_symlink_out, ["is a symlink to a place outside the system folder"]),
        (_symlink_dir_out, ["outside the system folder"]),
        (_loop, ["is a symlink loop"]),
        (_fifo, ["is a FIFO (named pipe), not a regular file"]),
        (_device, ["outside the system folder"]),
        (_directory, ["is a directory, not a regular file"]),
    ],
)
def test_files_that_are_not_plain_files_inside_are_refused(
    run_cli: Run,
    system: Path,
    outside: Path,
    swap: Callable[[Path, Path], None],
    words: list[str],
) -> None:
    card = system / "docs" / "card.yaml"
    card.unlink()
    swap(card, outside)
    # A FIFO is never opened: the run would block here if it were.
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, "evidence.model_card", *words)


@pytest.mark.parametrize("field", ["attestations", "fairness", "datasets"])
def test_every_evidence_kind_is_contained(
    run_cli: Run, system: Path, outside: Path, field: str
) -> None:
    value = f"[{outside}]" if field in ("fairness", "datasets") else str(outside)
    text = (system / "govern.yaml").read_text()
    text = re.sub(r"  attestations: .*\n", "", text) + f"  {field}: {value}\n"
    text = text.replace("policies: [./pack]\n", "") + "policies: [./pack]\n"
    (system / "govern.yaml").write_text(text)
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, f"evidence.{field}", "is absolute")


def test_a_symlink_that_stays_inside_is_read(run_cli: Run, system: Path) -> None:
    (system / "docs" / "card.yaml").rename(system / "docs" / "real.yaml")
    (system / "docs" / "card.yaml").symlink_to("real.yaml")
    result = run_cli("check", system, "--as-of", AS_OF)
    assert result.code in (0, 1), result.err


def test_repo_root_widens_the_boundary_to_the_repository(
    run_cli: Run, tmp_path: Path, system: Path
) -> None:
    shared = write(tmp_path / "shared" / "card.yaml", (system / "docs" / "card.yaml").read_text())
    _point_card_at(system, "../shared/card.yaml")
    refused = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(refused, "leaves the system folder")
    allowed = run_cli("check", system, "--as-of", AS_OF, "--repo-root", tmp_path)
    assert allowed.code in (0, 1), allowed.err
    # Still nothing outside the repository root, and never an absolute path.
    _point_card_at_again = system / "govern.yaml"
    edit(_point_card_at_again, "../shared/card.yaml", "../../outside.yaml")
    beyond = run_cli("check", system, "--as-of", AS_OF, "--repo-root", tmp_path)
    _assert_refused(beyond, "leaves the repository root")
    assert shared.is_file()


@pytest.mark.parametrize("pack", ["/etc", "../pack-outside", "pack/../../pack-outside"])
def test_organisation_packs_named_by_the_manifest_are_contained(
    run_cli: Run, tmp_path: Path, system: Path, pack: str
) -> None:
    (system / "pack").rename(tmp_path / "pack-outside")
    edit(system / "govern.yaml", "policies: [./pack]", f"policies: [{pack}]")
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, "policies[0]: policy pack folder")


def test_a_rule_file_symlinked_out_of_its_pack_is_not_read(
    run_cli: Run, system: Path, outside: Path
) -> None:
    (system / "pack" / "more.yaml").symlink_to(outside)
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, "pack/more.yaml: is a symlink out of its pack")


def test_the_same_boundary_holds_for_every_command(
    run_cli: Run, tmp_path: Path, system: Path, outside: Path
) -> None:
    _point_card_at(system, "../secret.yaml")
    for args in (
        ("check", system),
        ("report", system, "--json", tmp_path / "r.json"),
        ("card", "lint", system),
    ):
        _assert_refused(run_cli(*args), "leaves the system folder")
    assert not (tmp_path / "r.json").exists()


def test_a_file_of_another_kind_is_not_echoed(run_cli: Run, system: Path) -> None:
    # A config file (or /etc/shadow in YAML clothing) where the model card belongs.
    write(system / "docs" / "card.yaml", f"AWS_SECRET_ACCESS_KEY: {SECRET!r}\nDB_PASSWORD: x\n")
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result, "not a model card: none of its 2 keys is a field of one")
    assert "AWS_SECRET" not in result.err and "DB_PASSWORD" not in result.err


def test_values_are_quoted_short_and_escaped(run_cli: Run, system: Path) -> None:
    hostile = "x" * 500 + "\n::error::forged\u202e" + SECRET
    card = (system / "docs" / "card.yaml").read_text()
    write(system / "docs" / "card.yaml", card + f"logging_extra: {hostile!r}\n")
    edit(system / "docs" / "card.yaml", "retention_days: 200", f"retention_days: {hostile!r}")
    result = run_cli("check", system, "--as-of", AS_OF)
    _assert_refused(result)
    assert "::error::" not in result.err and "\u202e" not in result.err
    assert all(len(line) < 300 for line in result.err.splitlines())


def test_contained_refuses_the_classes_directly(tmp_path: Path) -> None:
    root = tmp_path / "sys"
    root.mkdir()
    (root / "ok.yaml").write_text("a: 1\n")
    (root / "sub").mkdir()
    assert contained(root, "ok.yaml") == root / "ok.yaml"
    assert contained(root, "./sub/../ok.yaml") == root / "sub/../ok.yaml"
    for value in ("/etc/passwd", "../x", "a/../../x", "x\x00y", "n" * 256, "missing.yaml", "."):
        with pytest.raises(PathRefused):
            contained(root, value)


@given(st.text(max_size=400))
def test_excerpts_are_one_short_line_without_controls(value: str) -> None:
    shown = excerpt(value)
    assert len(shown) <= 60 * 6 + 2  # each kept character escapes to at most \uXXXX
    assert len(shown.encode("unicode_escape")) < 2000
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert not any(c in shown for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert shown.startswith("'") and shown.endswith("'")


@pytest.mark.parametrize("swap", [_fifo, _device, _symlink_out])
def test_verify_evidence_reads_no_fifo_device_or_file_outside(
    run_cli: Run, tmp_path: Path, system: Path, outside: Path, swap: Callable[[Path, Path], None]
) -> None:
    from govern.sign.keys import generate_keys

    keys = generate_keys(tmp_path / "keys" / "signer")
    report = tmp_path / "out" / "assessment.json"
    signed = run_cli(
        "report", system, "--json", report, "--sign-key", keys.private_key, "--as-of", AS_OF
    )
    assert signed.code == 0, signed.err
    card = system / "docs" / "card.yaml"
    card.unlink()
    swap(card, outside)
    result = run_cli("verify", report, "--key", keys.public_key, "--evidence", system)
    assert result.code == 1, result.out + result.err
    assert "FAIL evidence docs/card.yaml" in result.out
    assert SECRET not in result.out + result.err and "Traceback" not in result.err
