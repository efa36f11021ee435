"""Verifying a model's OpenSSF model-signing signature offline, as `system.model` names it.

This is I/O (hashing the weights, reading the bundle and keys), so it happens while loading;
the engine only sees the ModelSignature it returns. The `model-signing` library is imported
here, on use, and only when govern.yaml names a signed model (`govern[model-signing]`).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from govern.evidence.model_signature import ModelSignature
from govern.load.containment import PathRefused, contained
from govern.load.manifest import ModelRef

INSTALL_HINT = "pip install 'govern[model-signing]'"


def verify_model(root: Path, ref: ModelRef, boundary: Path | None = None) -> ModelSignature:
    """Check `ref`'s signature against its weights; every outcome is a ModelSignature."""
    base = ModelSignature(status="missing", path=ref.path, signature=ref.signature)
    if ref.signature is None:
        return base.model_copy(update={"problem": "govern.yaml names no signature for the model"})
    if ref.path is None:
        return base.model_copy(
            update={"status": "failed", "problem": "no weights to hash (system.model.path)"}
        )
    try:
        weights = contained(root, ref.path, boundary, folder=_is_dir(root, ref.path), noun="model")
        bundle = contained(root, ref.signature, boundary, noun="model signature")
        keys = [contained(root, k, boundary, noun="key") for k in _key_files(ref)]
    except PathRefused as exc:
        status = "missing" if exc.message.endswith("does not exist") else "failed"
        return base.model_copy(update={"status": status, "problem": exc.message})
    if not keys:
        return base.model_copy(
            update={"status": "failed", "problem": "no public_key or certificate_chain to verify"}
        )
    return _verify(base, ref, weights, bundle, keys)


def _is_dir(root: Path, rel: str) -> bool:
    return (root / rel).is_dir()


def _key_files(ref: ModelRef) -> list[str]:
    return [ref.public_key] if ref.public_key is not None else list(ref.certificate_chain)


def _verify(
    base: ModelSignature, ref: ModelRef, weights: Path, bundle: Path, keys: list[Path]
) -> ModelSignature:
    method = "key" if ref.public_key is not None else "certificate"
    base = base.model_copy(update={"method": method})
    try:
        from model_signing import verifying
    except ImportError:
        problem = f"the model-signing library is not installed ({INSTALL_HINT}): not checked"
        return base.model_copy(update={"status": "unavailable", "problem": problem})
    config = verifying.Config()  # type: ignore[no-untyped-call]
    if method == "key":
        config = config.use_elliptic_key_verifier(public_key=keys[0])
    else:
        config = config.use_certificate_verifier(certificate_chain=keys)
    try:
        config.verify(weights, bundle)
    except Exception as exc:  # the library raises ValueError and others for a bad signature
        return base.model_copy(update={"status": "failed", "problem": _reason(exc)})
    name, digest = _subject(bundle)
    expected = (ref.digest or "").removeprefix("sha256:")
    if expected and digest != expected:
        problem = f"the signature covers model digest {digest}, govern.yaml expects {expected}"
        return base.model_copy(update={"status": "failed", "problem": problem})
    return base.model_copy(update={"status": "verified", "name": name, "digest": digest})


def _reason(exc: Exception) -> str:
    """The library's reason in one line; a hash mismatch means the weights were altered."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if text.startswith("Signature mismatch"):
        return "the weights are not the bytes that were signed (signature mismatch)"
    return f"the signature does not verify: {text[:200]}"


def _subject(bundle: Path) -> tuple[str | None, str | None]:
    """The signed in-toto statement's subject: model-signing's name and digest of the model."""
    data: Any = json.loads(bundle.read_text(encoding="utf-8"))
    payload = json.loads(base64.b64decode(data["dsseEnvelope"]["payload"]))
    subject = payload["subject"][0]
    return str(subject["name"]), str(subject["digest"]["sha256"])
