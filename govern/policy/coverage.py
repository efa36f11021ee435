"""Which provisions of a framework the loaded packs cover, by automated checks or by attestations.

Nothing is silently missing: every id of the reference catalogue is listed, covered or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from govern.policy.loader import PackSet
from govern.reference import COUNTED_KINDS, FRAMEWORK_TITLES, Catalogue, load_catalogue

CoverageStatus = Literal["automated", "attestation", "via_points", "not_covered"]


@dataclass(frozen=True)
class ProvisionCoverage:
    id: str
    title: str
    kind: str
    verified: bool
    automated_rules: tuple[str, ...]
    attestation_rules: tuple[str, ...]
    status: CoverageStatus

    @property
    def counted(self) -> bool:
        return self.kind in COUNTED_KINDS


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    title: str
    provisions: tuple[ProvisionCoverage, ...]
    counts: dict[str, int] = field(default_factory=dict)

    # Cached: a measured coverage is shared by every system assessed with the same packs.
    @cached_property
    def counted(self) -> int:
        return sum(1 for p in self.provisions if p.counted)

    def share(self, *statuses: str) -> float:
        total = self.counted
        hits = sum(1 for p in self.provisions if p.counted and p.status in statuses)
        return hits / total if total else 0.0

    @cached_property
    def covered_share(self) -> float:
        return self.share("automated", "attestation", "via_points")

    @cached_property
    def automated_share(self) -> float:
        return self.share("automated")


# Coverage depends only on the packs' files (which rules cite which provisions, and how they
# check them), not on the system assessed: a run over many systems measures it once per set of
# packs. Keyed by each pack's source and file digests, so an edited pack is measured again.
_MEASURED: dict[tuple[object, ...], FrameworkCoverage] = {}
_MEASURED_MAX = 32


def framework_coverage(packs: PackSet, framework: str) -> FrameworkCoverage:
    """How the packs cover `framework`'s catalogue, measured once per distinct set of packs."""
    key = (framework, tuple((pack.source, pack.files) for pack in packs.packs))
    if not all(pack.files for pack in packs.packs):
        return _measure(packs, framework)  # packs not read from files have nothing to key by
    measured = _MEASURED.get(key)
    if measured is None:
        if len(_MEASURED) >= _MEASURED_MAX:
            _MEASURED.clear()
        measured = _MEASURED[key] = _measure(packs, framework)
    return measured


def _measure(packs: PackSet, framework: str) -> FrameworkCoverage:
    catalogue = load_catalogue(framework)
    automated: dict[str, list[str]] = {}
    attested: dict[str, list[str]] = {}
    for rule in packs.rules:
        target = automated if rule.automated else attested  # cached on the rule
        for provision in rule.spec.refs.get(framework, []):  # type: ignore[call-overload]
            target.setdefault(provision, []).append(rule.id)
    direct = {pid for pid in catalogue.provisions if pid in automated or pid in attested}
    items = []
    for pid, provision in catalogue.provisions.items():
        items.append(
            ProvisionCoverage(
                id=pid,
                title=provision.title,
                kind=provision.kind,
                verified=provision.verified,
                automated_rules=tuple(automated.get(pid, ())),
                attestation_rules=tuple(attested.get(pid, ())),
                status=_status(pid, automated, attested, direct, catalogue),
            )
        )
    counts: dict[str, int] = {}
    for item in items:
        if item.counted:
            counts[item.status] = counts.get(item.status, 0) + 1
    return FrameworkCoverage(framework, FRAMEWORK_TITLES[framework], tuple(items), counts)


def _status(
    pid: str,
    automated: dict[str, list[str]],
    attested: dict[str, list[str]],
    direct: set[str],
    catalogue: Catalogue,
) -> CoverageStatus:
    if pid in automated:
        return "automated"
    if pid in attested:
        return "attestation"
    # A container (Art.10(2), AnnexIV.1, GOVERN 1, A.7) is covered when all its points are.
    children = [
        c
        for c in catalogue.children(pid)
        if catalogue.provisions[c].kind in (*COUNTED_KINDS, "classification")
    ]
    if children and all(c in direct for c in children):
        return "via_points"
    return "not_covered"
