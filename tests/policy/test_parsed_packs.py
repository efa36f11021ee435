"""Built-in packs ship pre-parsed (parsed.json); the YAML stays the source and wins when edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govern.load.documents import load_document
from govern.policy.loader import builtin_packs, builtin_root, load_pack, rule_files
from govern.policy.parsed import PARSED_FILE, parsed_text, read_parsed
from tests.conftest import edit


@pytest.mark.parametrize("name", builtin_packs())
def test_parsed_json_matches_the_pack_yaml(name: str) -> None:
    """parsed.json is derived data: regenerate with `python -m govern.policy.parsed`."""
    folder = builtin_root() / name
    # Compared as text: the order of keys is part of the data (rules' references keep it).
    assert (folder / PARSED_FILE).read_text(encoding="utf-8") == parsed_text(folder)


@pytest.mark.parametrize("name", builtin_packs())
def test_pre_parsed_pack_loads_as_its_yaml_does(name: str) -> None:
    """Same rules, same data, same line of every key as parsing the YAML afresh."""
    folder = builtin_root() / name
    from_json = load_pack(folder, f"builtin:{name}")
    from_yaml = load_pack(folder, f"./{name}")
    assert [h for _, h in from_json.files] == [h for _, h in from_yaml.files]
    assert [r.spec for r in from_json.rules] == [r.spec for r in from_yaml.rules]
    assert [r.line for r in from_json.rules] == [r.line for r in from_yaml.rules]
    for rule_json, rule_yaml in zip(from_json.rules, from_yaml.rules, strict=True):
        assert repr(rule_json.document.data) == repr(rule_yaml.document.data)  # order too
        assert rule_json.document.positions == rule_yaml.document.positions
        assert rule_json.document.text == rule_yaml.document.text
    assert read_parsed(folder), "the built-in pack was not loaded from parsed.json"


def test_an_edited_pack_file_is_parsed_from_its_yaml(tmp_path: Path) -> None:
    """A YAML file whose sha256 differs from the one parsed.json was made from is read afresh."""
    folder = tmp_path / "eu-ai-act"
    shutil.copytree(builtin_root() / "eu-ai-act", folder)
    target = rule_files(folder)[0]
    first = load_document(target).data
    first = first["rules"] if isinstance(first, dict) else first
    old_title = first[0]["title"]
    edit(target, f"title: {old_title}", "title: Edited after parsed.json was made")
    pack = load_pack(folder, "builtin:eu-ai-act")
    rule = next(r for r in pack.rules if r.id == first[0]["id"])
    assert rule.spec.title == "Edited after parsed.json was made"
    assert dict(pack.files)[f"builtin:eu-ai-act/{target.name}"] == load_document(target).sha256


def test_an_unreadable_parsed_json_falls_back_to_the_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "iso-42001"
    shutil.copytree(builtin_root() / "iso-42001", folder)
    (folder / PARSED_FILE).write_text("{not json", encoding="utf-8")
    assert read_parsed(folder) == {}
    pack = load_pack(folder, "builtin:iso-42001")
    assert len(pack.rules) == len(
        load_pack(builtin_root() / "iso-42001", "builtin:iso-42001").rules
    )
