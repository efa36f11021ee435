"""The catalogues shipped in the package are the shared reference, byte for byte, except the
package's marked additions (Omnibus provisions encoded as obligations)."""

from __future__ import annotations

import pytest

from govern.reference import FRAMEWORKS, load_catalogue, reference_path
from tests.conftest import SHARED


@pytest.mark.parametrize(
    "name", ["eu_ai_act.yaml", "iso_42001.yaml", "nist_ai_rmf.yaml", "crosswalk.yaml"]
)
@pytest.mark.shared
def test_packaged_copy_matches_shared(name: str) -> None:
    shared = SHARED / "reference" / name
    packaged = reference_path("eu-ai-act").parent / name
    assert _without_additions(packaged.read_text("utf-8")) == shared.read_text("utf-8")


def _without_additions(text: str) -> str:
    """The packaged catalogue minus its marked block of obligations the shared copy lists only as
    Omnibus amendments (Art.5(1)(ba), (bb), Art.4a...)."""
    start, end = "  # >>> govern additions", "  # <<< govern additions\n\n"
    if start not in text:
        return text
    head, rest = text.split(start, 1)
    return head + rest.split(end, 1)[1]


def test_omnibus_obligations_are_marked_unverified_with_their_source() -> None:
    eu = load_catalogue("eu-ai-act")
    for pid in ("Art.5(1)(ba)", "Art.5(1)(bb)", "Art.5(1a)", "Art.4(1)", "Art.4a(1)"):
        assert eu.provisions[pid].kind == "obligation"
        assert not eu.provisions[pid].verified
    assert eu.provisions["Art.99(6a)"].kind == "informative"  # a penalty cap, not a duty
    text = reference_path("eu-ai-act").read_text("utf-8")
    assert "source: [omnibus-consolidated, omnibus-press]" in text


def test_catalogue_sizes() -> None:
    eu, iso, nist = (load_catalogue(f) for f in FRAMEWORKS)
    assert "Art.10(2)(f)" in eu and "AnnexIV.2(d)" in eu and "AnnexXI.S1.2(e)" in eu
    controls = {p for p in iso.provisions if p.startswith("A.") and p.count(".") >= 2}
    assert len(controls - {"A.6.1", "A.6.2"}) == 38  # minus the two A.6 sub-groups
    nist_subcategories = [p for p in nist.provisions if " " in p and "." in p]
    assert len(nist_subcategories) == 72
    assert {f"GAI-{i}" for i in range(1, 13)} <= set(nist.provisions)
    assert not eu.provisions["Art.4a(1)"].verified
