"""Foreign evidence formats: which importer reads a file, and loading it as one of our models."""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel

from govern.errors import InputError, UsageError
from govern.load.documents import SourceDocument, load_document, read_text_file
from govern.load.importers.interface import KINDS, Importer, ImportResult, Kind
from govern.load.validation import load_validate

__all__ = [
    "FORMATS",
    "ImportResult",
    "Importer",
    "LoadedEvidence",
    "detect_format",
    "detect_kind",
    "get_importer",
    "import_document",
    "import_file",
    "load_evidence_model",
]

NATIVE = "govern"
# (format name, kind) -> "module:class". Detection tries them in this order; the first match wins.
_REGISTRY: dict[tuple[str, Kind], str] = {
    ("cyclonedx", "model_card"): "govern.load.importers.cyclonedx:CycloneDXModelCard",
    ("spdx3", "model_card"): "govern.load.importers.spdx3:Spdx3AIPackage",
    ("spdx3", "dataset"): "govern.load.importers.spdx3:Spdx3DatasetPackage",
    ("croissant", "dataset"): "govern.load.importers.croissant:Croissant",
    ("mct", "model_card"): "govern.load.importers.mct:ModelCardToolkit",
    ("huggingface", "model_card"): "govern.load.importers.huggingface:HuggingFaceModelCard",
    ("huggingface", "dataset"): "govern.load.importers.huggingface:HuggingFaceDatasetCard",
}
FORMATS: tuple[str, ...] = (NATIVE, *dict.fromkeys(name for name, _ in _REGISTRY))


def _instance(spec: str) -> Importer:
    module_name, class_name = spec.split(":")
    importer: Importer = getattr(importlib.import_module(module_name), class_name)()
    return importer


def get_importer(fmt: str, kind: Kind) -> Importer:
    """The importer for a named format; a clear error when it cannot hold that kind of evidence."""
    spec = _REGISTRY.get((fmt, kind))
    if spec is None:
        if fmt not in FORMATS:
            raise UsageError(f"unknown evidence format {fmt!r}; known: {', '.join(FORMATS)}")
        what = "model cards" if kind == "model_card" else "dataset records"
        holds = [k for (name, k) in _REGISTRY if name == fmt]
        also = f" ({fmt} holds {', '.join(h.replace('_', ' ') + 's' for h in holds)})"
        raise UsageError(f"format {fmt!r} does not describe {what}{also}")
    return _instance(spec)


def detect_format(path: Path, kind: Kind | None = None, text: str | None = None) -> Importer | None:
    """The importer whose format this file is in, or None for govern's own YAML/JSON."""
    if text is None:
        _, text = read_text_file(path, str(path))
    for (_, importer_kind), spec in _REGISTRY.items():
        if kind is not None and importer_kind != kind:
            continue
        importer = _instance(spec)
        if importer.detect(path, text):
            return importer
    return None


def detect_kind(path: Path, text: str, fmt: str | None = None) -> Kind | None:
    """Whether a foreign file (in `fmt`, or any format) is a model card or a dataset record."""
    for (name, kind), spec in _REGISTRY.items():
        if fmt in (None, name) and _instance(spec).detect(path, text):
            return kind
    kinds = [kind for (name, kind) in _REGISTRY if name == fmt]
    return kinds[0] if kinds else None


def import_document(
    path: Path,
    kind: Kind,
    fmt: str | None = None,
    display: str | None = None,
    select: str | None = None,
) -> tuple[SourceDocument, ImportResult]:
    """Read a foreign file and map it to our model: the parsed source and the result."""
    if kind not in KINDS:
        raise UsageError(f"unknown evidence kind {kind!r}")
    display = display or str(path)
    raw, text = read_text_file(path, display)
    if fmt is None or fmt == "auto":
        importer = detect_format(path, kind, text)
        if importer is None:
            raise InputError.single(display, _unrecognised(path, kind, text))
    else:
        importer = get_importer(fmt, kind)
    document = importer.read(path, display, raw, text)
    return document, importer.load(document, select)


def _unrecognised(path: Path, kind: Kind, text: str) -> str:
    other = detect_format(path, None, text)
    if other is not None:
        wanted = "a model card" if kind == "model_card" else "a dataset record"
        holds = "model cards" if other.kind == "model_card" else "dataset records"
        command = "card" if other.kind == "model_card" else "dataset"
        return (
            f"this is a {other.title}, which describes {holds}, not {wanted} "
            f"(use `govern {command} import`, or list it under the matching evidence key)"
        )
    return (
        "not a recognised foreign format (Hugging Face card, Model Card Toolkit JSON, "
        "CycloneDX, SPDX 3, Croissant); name the format or use govern's own schema"
    )


def import_file(
    path: Path, kind: Kind, fmt: str | None = None, select: str | None = None
) -> ImportResult:
    """Map a foreign file to our model (format detected unless named)."""
    return import_document(path, kind, fmt, select=select)[1]


class LoadedEvidence(NamedTuple):
    """An evidence file read into our model, whatever its format."""

    document: SourceDocument
    model: BaseModel
    warnings: list[str]
    format: str


def load_evidence_model(
    path: Path, display: str, kind: str, fmt: str | None, select: str | None = None
) -> LoadedEvidence:
    """The integration hook for load_system: any supported format in, our validated model out.

    `fmt` is a format name (`govern` for our own schema) or None to detect it. For a foreign file
    the document is that file (its digest and text); its positions are keyed by our model's field
    paths and point at the source lines the values came from, so findings cite the engineer's file.
    Warnings name what the import could not use (each with the file's name).
    """
    model_type = _model_type(kind)
    if fmt == NATIVE or (fmt is None and not _is_foreign(path, display, kind)):  # type: ignore[arg-type]
        document = load_document(path, display)
        return LoadedEvidence(document, load_validate(model_type, document), [], NATIVE)
    document, result = import_document(path, kind, fmt, display, select)  # type: ignore[arg-type]
    from govern.load.importers.result import import_warnings, positions_for

    located = dataclasses.replace(document, _yaml_positions=positions_for(result, document))
    warnings = import_warnings(result, display, _command(kind))
    return LoadedEvidence(located, result.model, warnings, result.format)


def _command(kind: str) -> str:
    return "card" if kind == "model_card" else "dataset"


def _model_type(kind: str) -> type[BaseModel]:
    if kind == "model_card":
        from govern.evidence.model_card import ModelCard

        return ModelCard
    if kind == "dataset":
        from govern.evidence.dataset import DatasetRecord

        return DatasetRecord
    raise UsageError(f"evidence of kind {kind!r} has no foreign formats (model_card, dataset)")


def _is_foreign(path: Path, display: str, kind: Kind) -> bool:
    """Whether a file needs an importer; a foreign file of the other kind is refused here."""
    try:
        _, text = read_text_file(path, str(path))
    except InputError:
        return False  # let the native loader report the problem in its usual words
    if detect_format(path, kind, text) is not None:
        return True
    if detect_format(path, None, text) is not None:
        raise InputError.single(display, _unrecognised(path, kind, text))
    return False


def describe(value: Any, limit: int = 70) -> str:
    """A one-line preview of an unmapped value."""
    import json

    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    shown = " ".join(shown.split())
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
