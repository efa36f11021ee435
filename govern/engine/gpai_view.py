"""The `gpai` root of check paths: a GPAI provider's three documents, and where a path lies."""

from __future__ import annotations

from typing import Any

from govern.load.bundle import EvidenceBundle
from govern.load.documents import SourceDocument
from govern.policy.paths import MISSING

# The documents under `evidence.gpai` in govern.yaml, in the order they are listed to users.
GPAI_DOCUMENTS: dict[str, str] = {
    "model_documentation": "Model Documentation Form (GPAI Code of Practice)",
    "training_content_summary": "public summary of training content (Art.53(1)(d))",
    "copyright_policy": "copyright policy (Art.53(1)(c))",
}


def gpai_view(bundle: EvidenceBundle) -> dict[str, Any]:
    """Each document's data, or MISSING when govern.yaml names none (so `present` fails)."""
    return {
        key: bundle.gpai[key].model.model_dump(by_alias=True) if key in bundle.gpai else MISSING
        for key in GPAI_DOCUMENTS
    }


def locate_gpai(
    path: tuple[str | int, ...], bundle: EvidenceBundle
) -> tuple[SourceDocument, tuple[str | int, ...]]:
    """The document a `gpai.<document>...` path lies in, or govern.yaml's entry that is missing."""
    key = path[1] if len(path) > 1 else None
    if isinstance(key, str) and key in bundle.gpai:
        return bundle.gpai[key].document, path[2:]
    manifest = bundle.manifest_document
    if isinstance(key, str) and bundle.manifest.evidence.gpai is not None:
        return manifest, ("evidence", "gpai")
    return manifest, ("evidence",)


def gpai_missing(path: tuple[str | int, ...]) -> str:
    """Why a `gpai` path found nothing: govern.yaml lists no such document."""
    key = path[1] if len(path) > 1 else ""
    title = GPAI_DOCUMENTS.get(str(key), "GPAI document")
    return f"govern.yaml lists no {title} under evidence.gpai.{key}"
