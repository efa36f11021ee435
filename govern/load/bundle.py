"""Load the manifest and every evidence file it names into one validated, hashed bundle."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govern.errors import InputError, Problem, UsageError
from govern.evidence.attestation import Attestation, AttestationFile
from govern.evidence.dataset import DatasetRecord
from govern.evidence.fairness import FairnessReport
from govern.evidence.incident import IncidentRecord
from govern.evidence.model_card import ModelCard
from govern.load.containment import PathRefused, contained, inside
from govern.load.documents import SourceDocument, load_document
from govern.load.seals import RECORDED, Seal
from govern.load.validation import load_validate

if TYPE_CHECKING:
    # The manifest model is imported where it is used, so that loading this module stays cheap.
    from govern.evidence.model_signature import ModelSignature
    from govern.load.manifest import EvidenceRef, Manifest

_CHUNK = 1 << 20

__all__ = [
    "EvidenceBundle",
    "EvidenceItem",
    "find_manifest",
    "load_manifest",
    "load_system",
    "read_boundary",
]


@dataclass(frozen=True)
class EvidenceItem:
    """One evidence document: its kind, where it is, its digest, and its validated model.

    `source_format` is `govern` for our own schema, or the foreign format the model was imported
    from; the document is then the foreign file itself (its bytes, digest and lines).
    """

    kind: str
    document: SourceDocument
    model: Any
    source_format: str = "govern"

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
    # What importing foreign evidence files left behind (fields with no place in our model...).
    warnings: tuple[str, ...] = ()
    incidents: tuple[EvidenceItem, ...] = ()
    post_market: EvidenceItem | None = None
    fria: EvidenceItem | None = None
    # A GPAI provider's documents, by their key under evidence.gpai (model_documentation, ...).
    gpai: dict[str, EvidenceItem] = field(default_factory=dict)
    # One per attestation entry: signed, recorded or invalid (govern.load.seals).
    seals: tuple[Seal, ...] = ()
    evaluations: tuple[EvidenceItem, ...] = ()
    # The model's signature check, when govern.yaml names the model (system.model).
    model_signature: ModelSignature | None = None
    # The sha256 of each fairness report's predictions file, by the path the report names; None
    # when it is outside the system folder or unreadable. Hashed here, once, so the engine that
    # compares it with the report reads no file.
    source_digests: dict[str, str | None] = field(default_factory=dict)

    def input_paths(self) -> list[Path]:
        """Every file this system was read from, which no output may overwrite."""
        return [self.manifest_document.path, *(item.document.path for item in self.files)]

    def attestation_list(self) -> list[Attestation]:
        if self.attestations is None:
            return []
        model: AttestationFile = self.attestations.model
        return list(model.attestations)

    def seal(self, index: int) -> Seal:
        return self.seals[index] if index < len(self.seals) else RECORDED


def find_manifest(target: Path) -> Path:
    """Accept a system directory or a manifest file; name what is missing if neither is there."""
    from govern.load.containment import excerpt, file_kind
    from govern.load.manifest import MANIFEST_NAME

    # file_kind, not Path.is_dir/exists: those raise on a name too long for the file system.
    kind = file_kind(target)
    if kind == "directory":
        target = target / MANIFEST_NAME
        kind = file_kind(target)
        if kind == "missing":
            raise UsageError(
                f"{target.parent}: no {MANIFEST_NAME} here (run `govern init` to create one)"
            )
    if kind == "name too long":
        raise UsageError(f"{excerpt(str(target))}: file name too long for the file system")
    if kind in ("symlink loop", "unreadable"):
        raise UsageError(f"{target}: {'is a symlink loop' if kind != 'unreadable' else kind}")
    if kind != "missing":
        return target
    raise UsageError(f"{target}: no such file or directory")


def read_boundary(root: Path, repo_root: Path | None) -> Path | None:
    """The repository root a system's reads may range over, or None for its own folder only."""
    if repo_root is None:
        return None
    if not inside(root, repo_root):
        raise UsageError(f"--repo-root {repo_root}: the system folder {root} is not inside it")
    return repo_root


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):  # RuntimeError: a symlink loop (Python < 3.13)
        return str(path)


def load_manifest(target: Path) -> tuple[SourceDocument, Manifest]:
    """govern.yaml of a system folder (or the file itself), read and validated: the one way every
    command (check, report, classify, waivers, init, policy tests) reads a manifest."""
    from govern.load.manifest import Manifest

    manifest_path = find_manifest(target)
    manifest_doc = load_document(manifest_path, _display(manifest_path, manifest_path.parent))
    data = manifest_doc.data
    if isinstance(data, dict) and not {"govern", "system"} & set(data):
        # A model card or other evidence file given where the manifest belongs: one line, not a
        # page of unknown-field errors.
        raise UsageError(
            f"{target}: not a govern.yaml manifest (it has no 'govern:' or 'system:' key); "
            "give the system's folder or its govern.yaml"
        )
    return manifest_doc, load_validate(Manifest, manifest_doc)


def load_system(target: Path, repo_root: Path | None = None) -> EvidenceBundle:
    """Load govern.yaml and all its evidence; report every problem of every file at once.

    A model card or dataset in another format (Hugging Face, Model Card Toolkit, CycloneDX, SPDX 3,
    Croissant) goes through its importer: the item keeps that file's digest, and its positions
    point into that file, so findings cite the engineer's own lines. Every evidence path must
    stay inside the system folder (or `repo_root`, when one is given): see
    govern.load.containment.
    """
    manifest_doc, manifest = load_manifest(target)
    root = manifest_doc.path.parent
    boundary = read_boundary(root, repo_root)
    # Resolved once for every path this system names (see contained's real_boundary).
    real_root = os.path.realpath(root)
    real_boundary = real_root if boundary is None else os.path.realpath(boundary)

    errors: list[Problem] = []
    warnings: list[str] = []
    refs = manifest.evidence

    def load(
        kind: str,
        model: type[Any],
        ref: str | EvidenceRef,
        field_path: tuple[str | int, ...],
    ) -> EvidenceItem | None:
        rel, fmt, select = _reference(ref)
        try:
            path = contained(root, rel, boundary, noun="evidence file", real_boundary=real_boundary)
        except PathRefused as exc:
            where = field_path if isinstance(ref, str) else (*field_path, "path")
            errors.append(manifest_doc.problem(where, exc.message))
            return None
        display = _display(path, root)
        try:
            if kind == "evaluation" and _maybe_foreign_evaluation(path, fmt):
                from govern.load.importers.evals import load_evaluation

                evaluation = load_evaluation(path, display, fmt)
                warnings.extend(evaluation.warnings)
                return EvidenceItem(kind, evaluation.document, evaluation.model, evaluation.format)
            if kind in _IMPORTABLE and _maybe_foreign(path, fmt):
                # Imported lazily: a system of our own YAML files never loads the importers.
                from govern.load.importers import load_evidence_model

                loaded = load_evidence_model(path, display, kind, fmt, select)
                warnings.extend(loaded.warnings)
                return EvidenceItem(kind, loaded.document, loaded.model, loaded.format)
            document = load_document(path, display)
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
        load("dataset", DatasetRecord, ref, ("evidence", "datasets", i))
        for i, ref in enumerate(refs.datasets)
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
    incidents = [
        load("incident", IncidentRecord, rel, ("evidence", "incidents", i))
        for i, rel in enumerate(refs.incidents)
    ]
    plan = fria = None
    # These models are imported only for a system that has the document, as evaluations below.
    if refs.post_market:
        from govern.evidence.post_market import PostMarketPlan

        plan = load("post_market", PostMarketPlan, refs.post_market, ("evidence", "post_market"))
    if refs.fria:
        from govern.evidence.fria import Fria

        fria = load("fria", Fria, refs.fria, ("evidence", "fria"))
    gpai = {
        key: load("gpai", model, rel, ("evidence", "gpai", key))
        for key, model, rel in _gpai_refs(refs.gpai)
    }
    evaluations = []
    if refs.evaluations:
        # Imported on use: most systems list no evaluation reports, and its models are many.
        from govern.evidence.evaluation import EvaluationReport

        evaluations = [
            load("evaluation", EvaluationReport, ref, ("evidence", "evaluations", i))
            for i, ref in enumerate(refs.evaluations)
        ]
    if errors:
        raise InputError(errors)

    loaded_evaluations = tuple(x for x in evaluations if x is not None)
    loaded_incidents = tuple(x for x in incidents if x is not None)
    _check_unique_ids(loaded_incidents, "incident")
    loaded_datasets = tuple(d for d in datasets if d is not None)
    _check_unique_ids(loaded_datasets, "dataset")
    loaded_fairness = tuple(f for f in fairness if f is not None)
    loaded_gpai = {key: item for key, item in gpai.items() if item is not None}
    files = tuple(
        x
        for x in (
            card,
            *loaded_datasets,
            *loaded_fairness,
            attest,
            *loaded_incidents,
            plan,
            fria,
            *loaded_gpai.values(),
            *loaded_evaluations,
        )
        if x is not None
    )
    seals, signatures = _seals(manifest, manifest_doc, attest, root, boundary, warnings)
    if signatures is not None:
        files = (*files, EvidenceItem("attestation_signatures", signatures, None))
    model_signature = _model_signature(manifest, root, boundary, warnings)
    return EvidenceBundle(
        root,
        manifest_doc,
        manifest,
        card,
        loaded_datasets,
        loaded_fairness,
        attest,
        files,
        tuple(warnings),
        loaded_incidents,
        plan,
        fria,
        seals=seals,
        gpai=loaded_gpai,
        evaluations=loaded_evaluations,
        model_signature=model_signature,
        source_digests=_source_digests(root, real_root, loaded_fairness),
    )


def _model_signature(
    manifest: Manifest, root: Path, boundary: Path | None, warnings: list[str]
) -> ModelSignature | None:
    """The model's signature check, when govern.yaml names a model; its problem as a warning."""
    if manifest.system.model is None:
        return None
    from govern.load.model_signature import verify_model

    result = verify_model(root, manifest.system.model, boundary)
    if result.problem is not None:
        warnings.append(f"govern.yaml system.model: {result.problem}")
    return result


def _source_digests(
    root: Path, real_root: str, fairness: tuple[EvidenceItem, ...]
) -> dict[str, str | None]:
    digests: dict[str, str | None] = {}
    for item in fairness:
        source = item.model.source.path
        if source not in digests:
            digests[source] = _file_digest(root, source, real_root)
    return digests


def _file_digest(root: Path, relative: str, real_root: str | None = None) -> str | None:
    """The sha256 of a file inside `root`, or None when it may not or cannot be read (then
    there is nothing to compare; the fairness rules report a missing predictions file)."""
    try:
        path = contained(root, relative, noun="predictions file", real_boundary=real_root)
    except PathRefused:
        return None
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _seals(
    manifest: Manifest,
    manifest_doc: SourceDocument,
    attest: EvidenceItem | None,
    root: Path,
    boundary: Path | None,
    warnings: list[str],
) -> tuple[tuple[Seal, ...], SourceDocument | None]:
    """The assurance of each attestation, and the signatures file when there is one; keys and
    envelopes are read only when there are any."""
    if attest is None:
        return (), None
    from govern.load.seals import load_attester_keys, read_seals

    entries = list(attest.model.attestations)
    keys = load_attester_keys(manifest.attesters, manifest_doc, root, boundary)
    rel = manifest.evidence.attestations
    assert rel is not None
    return read_seals(entries, root, rel, boundary, keys, warnings)


_IMPORTABLE = ("model_card", "dataset")


def _gpai_refs(refs: Any) -> list[tuple[str, type[Any], str]]:
    """(key, model, path) of each GPAI document govern.yaml lists under evidence.gpai."""
    if refs is None:
        return []
    from govern.evidence.gpai import CopyrightPolicy, ModelDocumentation, TrainingContentSummary

    models: dict[str, type[Any]] = {
        "model_documentation": ModelDocumentation,
        "training_content_summary": TrainingContentSummary,
        "copyright_policy": CopyrightPolicy,
    }
    return [
        (key, model, getattr(refs, key))
        for key, model in models.items()
        if getattr(refs, key) is not None
    ]


# Our own documents are YAML or JSON; no foreign format govern reads is written in YAML files.
_NATIVE_SUFFIXES = (".yaml", ".yml")


def _reference(ref: str | EvidenceRef) -> tuple[str, str | None, str | None]:
    """(path, format or None to detect it, selection) of a manifest evidence entry."""
    if isinstance(ref, str):
        return ref, None, None
    return ref.path, None if ref.format == "auto" else ref.format, ref.select


def _maybe_foreign(path: Path, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt != "govern"
    return path.suffix.lower() not in _NATIVE_SUFFIXES


def _maybe_foreign_evaluation(path: Path, fmt: str | None) -> bool:
    """Harness outputs are JSON or JSONL; a YAML file is ours unless named (an HF
    `.eval_results/*.yaml` or a card's `model-index` must be named, or sit where HF puts it)."""
    if fmt is not None:
        return fmt != "govern"
    if path.suffix.lower() in _NATIVE_SUFFIXES:
        return path.parent.name == ".eval_results"
    return path.suffix.lower() != ".json" or not _is_native_json(path)


def _is_native_json(path: Path) -> bool:
    from govern.load.importers.evals import is_native_evaluation

    return is_native_evaluation(path)


def _check_unique_ids(items: tuple[EvidenceItem, ...], noun: str) -> None:
    """Datasets and incidents are named by id (in findings, in the ledger): one id, one file."""
    seen: dict[str, str] = {}
    problems = []
    for item in items:
        record: DatasetRecord | IncidentRecord = item.model
        if record.id in seen:
            problems.append(
                item.document.problem(
                    ("id",), f"{noun} id {record.id!r} is already used by {seen[record.id]}"
                )
            )
        seen.setdefault(record.id, item.path)
    if problems:
        raise InputError(problems)
