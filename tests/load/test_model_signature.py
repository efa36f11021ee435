"""`system.model`: the weights' OpenSSF model-signing signature, verified offline by check."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from govern.load.manifest import ModelRef
from govern.load.model_signature import verify_model
from tests.conftest import CliResult, copy_example, edit

MODEL = """\
  role: provider
  model:
    path: model/weights.bin
    signature: model/weights.sig
    public_key: model/signer.pub
"""


def keypair(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh P-256 key pair, as model-signing's `key` method signs with."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def sign(weights: Path, bundle: Path, private_key: Path) -> None:
    from model_signing import signing

    config = signing.Config().use_elliptic_key_signer(private_key=private_key)  # type: ignore[no-untyped-call]
    config.sign(weights, bundle)


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    """A small model file signed with a key made here, beside its public key."""
    root = tmp_path / "system"
    (root / "model").mkdir(parents=True)
    weights = root / "model" / "weights.bin"
    weights.write_bytes(bytes(range(256)) * 16)
    private, public = keypair(tmp_path, "signer")
    public.rename(root / "model" / "signer.pub")
    sign(weights, root / "model" / "weights.sig", private)
    return root


REF = ModelRef(
    path="model/weights.bin", signature="model/weights.sig", public_key="model/signer.pub"
)


def test_a_signed_model_verifies(signed: Path) -> None:
    result = verify_model(signed, REF)
    assert result.status == "verified", result.problem
    assert result.method == "key"
    bundle = json.loads((signed / "model" / "weights.sig").read_text(encoding="utf-8"))
    assert bundle["dsseEnvelope"]["payloadType"] == "application/vnd.in-toto+json"
    assert result.digest is not None and len(result.digest) == 64


def test_one_byte_changed_in_the_weights_fails(signed: Path) -> None:
    weights = signed / "model" / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[1000] ^= 0x01
    weights.write_bytes(bytes(data))
    result = verify_model(signed, REF)
    assert result.status == "failed"
    assert result.digest is None
    assert result.problem == "the weights are not the bytes that were signed (signature mismatch)"


def test_another_key_fails(signed: Path, tmp_path: Path) -> None:
    _, other = keypair(tmp_path, "other")
    other.replace(signed / "model" / "signer.pub")
    result = verify_model(signed, REF)
    assert result.status == "failed"
    assert result.problem is not None and result.problem.startswith("the signature does not")


def test_an_unexpected_digest_fails(signed: Path) -> None:
    ref = REF.model_copy(update={"digest": "0" * 64})
    result = verify_model(signed, ref)
    assert result.status == "failed"
    assert "govern.yaml expects" in (result.problem or "")


def test_a_missing_signature_is_missing(signed: Path) -> None:
    (signed / "model" / "weights.sig").unlink()
    assert verify_model(signed, REF).status == "missing"
    unsigned = ModelRef(path="model/weights.bin")
    assert verify_model(signed, unsigned).status == "missing"


def test_a_signature_outside_the_system_folder_is_refused(signed: Path) -> None:
    ref = REF.model_copy(update={"signature": "../weights.sig"})
    result = verify_model(signed, ref)
    assert result.status == "failed"
    assert "leaves the system folder" in (result.problem or "")


def test_without_the_library_the_message_says_how_to_install_it(
    signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_model_signing(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("model_signing"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_model_signing)
    result = verify_model(signed, REF)
    assert result.status == "unavailable"
    assert "pip install 'govern[model-signing]'" in (result.problem or "")


def test_a_manifest_cannot_claim_its_own_check() -> None:
    with pytest.raises(ValueError, match="signature_check"):
        ModelRef.model_validate({"path": "m.bin", "signature_check": {"status": "verified"}})


def _with_model(tmp_path: Path, signed: Path) -> Path:
    root = copy_example("credit-scoring", tmp_path / "credit")
    edit(root / "govern.yaml", "  role: provider\n", MODEL)
    (signed / "model").rename(root / "model")
    return root


def test_check_records_the_verified_digest_and_fails_on_a_changed_byte(
    signed: Path, tmp_path: Path, run_cli: Any
) -> None:
    root = _with_model(tmp_path, signed)
    out = tmp_path / "a.json"
    result: CliResult = run_cli("check", root, "--as-of", "2026-11-25", "-o", f"json={out}")
    assessment = json.loads(out.read_text(encoding="utf-8"))
    assert assessment["model"]["status"] == "verified"
    rule = next(r for r in assessment["results"] if r["rule_id"] == "EUAIA-15-MODEL-SIGNATURE")
    assert rule["status"] == "pass"
    assert result.code == 0, result.out

    weights = root / "model" / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[0] ^= 0x01
    weights.write_bytes(bytes(data))
    failed: CliResult = run_cli("check", root, "--as-of", "2026-11-25")
    assert failed.code == 1
    assert "FAIL  EUAIA-15-MODEL-SIGNATURE" in failed.out
    assert "system.model: the weights are not the bytes that were signed" in failed.err + failed.out


def test_the_rule_does_not_apply_without_a_model(tmp_path: Path, run_cli: Any) -> None:
    root = copy_example("credit-scoring", tmp_path / "credit")
    out = tmp_path / "a.json"
    run_cli("check", root, "--as-of", "2026-11-25", "-o", f"json={out}")
    assessment = json.loads(out.read_text(encoding="utf-8"))
    assert assessment.get("model") is None
    rule = next(r for r in assessment["results"] if r["rule_id"] == "EUAIA-15-MODEL-SIGNATURE")
    assert rule["status"] == "not_applicable"
