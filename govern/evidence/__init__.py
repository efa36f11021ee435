"""Load the manifest and every evidence file it names into one validated, hashed bundle."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govern.documents import SourceDocument, load_document
from govern.errors import InputError, Problem, UsageError
from govern.evidence.attestation import Attestation, AttestationFile
from govern.evidence.dataset import DatasetRecord
from govern.evidence.fairness import FairnessReport
from govern.evidence.model_card import ModelCard
from govern.manifest import MANIFEST_NAME, Manifest
from govern.validation import load_validate

__all__ = ["EvidenceBundle", "EvidenceItem", "find_manifest", "load_system"]


@dataclass(frozen=True)
class EvidenceItem:
    """One evidence document: its kind, where it is, its digest, and its validated model."""

    kind: str
    document: SourceDocument
    model: Any

    @property
    def path(self) -> str:
        return self.document.display

    @property
    def sha256(self) -> str:
        return self.document.sha256


@dataclass(frozen=True)
class EvidenceBundle:
    root: Path
    manifest_document: SourceDocument
    manifest: Manifest
    model_card: EvidenceItem | None = None
    datasets: tuple[EvidenceItem, ...] = ()
    fairness: tuple[EvidenceItem, ...] = ()
    attestations: EvidenceItem | None = None
    files: tuple[EvidenceItem, ...] = field(default=())

    def attestation_list(self) -> list[Attestation]:
        if self.attestations is None:
            return []
        model: AttestationFile = self.attestations.model
        return list(model.attestations)


def find_manifest(target: Path) -> Path:
    """Accept a system directory or a manifest file; name what is missing if neither is there."""
    if target.is_dir():
        candidate = target / MANIFEST_NAME
        if not candidate.exists():
            raise UsageError(f"{target}: no {MANIFEST_NAME} here (run `govern init` to create one)")
        return candidate
    if target.exists():
        return target
    raise UsageError(f"{target}: no such file or directory")


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_system(target: Path) -> EvidenceBundle:
    """Load govern.yaml and all its evidence; report every problem of every file at once."""
    manifest_path = find_manifest(target)
    root = manifest_path.parent
    manifest_doc = load_document(manifest_path, _display(manifest_path, root))
    manifest = load_validate(Manifest, manifest_doc)

    errors: list[Problem] = []
    refs = manifest.evidence

    def load(
        kind: str, model: type[Any], rel: str, field_path: tuple[str | int, ...]
    ) -> EvidenceItem | None:
        path = root / rel
        if not path.is_file():
            reason = "is a directory" if path.is_dir() else "does not exist"
            errors.append(manifest_doc.problem(field_path, f"evidence file {rel!r} {reason}"))
            return None
        try:
            document = load_document(path, _display(path, root))
            return EvidenceItem(kind, document, load_validate(model, document))
        except InputError as exc:
            errors.extend(exc.problems)
            return None

    card = (
        load("model_card", ModelCard, refs.model_card, ("evidence", "model_card"))
        if refs.model_card
        else None
    )
    datasets = [
        load("dataset", DatasetRecord, rel, ("evidence", "datasets", i))
        for i, rel in enumerate(refs.datasets)
    ]
    fairness = [
        load("fairness", FairnessReport, rel, ("evidence", "fairness", i))
        for i, rel in enumerate(refs.fairness)
    ]
    attest = (
        load("attestations", AttestationFile, refs.attestations, ("evidence", "attestations"))
        if refs.attestations
        else None
    )
    if errors:
        raise InputError(errors)

    loaded_datasets = tuple(d for d in datasets if d is not None)
    _check_unique_dataset_ids(loaded_datasets)
    loaded_fairness = tuple(f for f in fairness if f is not None)
    files = tuple(x for x in (card, *loaded_datasets, *loaded_fairness, attest) if x is not None)
    return EvidenceBundle(
        root, manifest_doc, manifest, card, loaded_datasets, loaded_fairness, attest, files
    )


def _check_unique_dataset_ids(datasets: tuple[EvidenceItem, ...]) -> None:
    seen: dict[str, str] = {}
    problems = []
    for item in datasets:
        record: DatasetRecord = item.model
        if record.id in seen:
            problems.append(
                item.document.problem(
                    ("id",), f"dataset id {record.id!r} is already used by {seen[record.id]}"
                )
            )
        seen.setdefault(record.id, item.path)
    if problems:
        raise InputError(problems)
