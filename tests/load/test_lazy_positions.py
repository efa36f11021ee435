"""Positions are found lazily, along the path asked for, and agree with a full scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govern.errors import InputError
from govern.load.documents import FieldPath, iter_field_paths, load_document, parse_document
from tests.conftest import CORPUS, REPO

EXAMPLE = REPO / "examples" / "credit-scoring"
FILES = sorted(p for p in EXAMPLE.rglob("*") if p.suffix in (".yaml", ".json"))


def _nearest(positions: dict[FieldPath, object], path: FieldPath) -> object:
    while path and path not in positions:
        path = path[:-1]
    return positions[path]


def _paths(data: object) -> list[FieldPath]:
    """Every path in the data, and paths that leave it (a missing key, an index past the end)."""
    paths = list(iter_field_paths(data))
    return [*paths, *((*p, "no-such-key") for p in paths), *((*p, 10_000) for p in paths)]


def _agree(path: Path) -> None:
    lazy = load_document(path)
    full = load_document(path).positions  # a separate document: the full scan
    for field_path in _paths(lazy.data):
        assert lazy.locate(field_path) == _nearest(full, field_path), (path, field_path)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_lazy_locate_agrees_with_the_full_scan(path: Path) -> None:
    _agree(path)


@pytest.mark.shared
def test_lazy_locate_agrees_on_third_party_files() -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    if not files:
        pytest.skip("no corpus beside the clone")
    for path in files[:60]:
        try:
            load_document(path)
        except Exception:  # files the corpus holds to be refused
            continue
        _agree(path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=60, deadline=None)
@given(_JSON, st.sampled_from([None, 1, 2]))
def test_lazy_locate_agrees_on_any_json_and_yaml(data: object, indent: int | None) -> None:
    for fmt, text in (("json", json.dumps(data, indent=indent)), ("yaml", json.dumps(data))):
        raw = text.encode()
        try:
            lazy = parse_document(text, raw, Path(f"x.{fmt}"), "x", fmt)
        except InputError:  # JSON that YAML reads otherwise (escapes): not what is tested here
            continue
        full = parse_document(text, raw, Path(f"x.{fmt}"), "x", fmt).positions
        for field_path in _paths(lazy.data):
            assert lazy.locate(field_path) == _nearest(full, field_path)
