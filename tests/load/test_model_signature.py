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


@pytest.mark.slow  # renders and signs a report (~10 s)
def test_the_report_shows_the_verified_digest_and_the_svr_names_the_model(
    signed: Path, tmp_path: Path, run_cli: Any
) -> None:
    import base64
    import html

    from govern.sign.keys import generate_keys

    root = _with_model(tmp_path, signed)
    keys = generate_keys(tmp_path / "keys" / "report")
    out = tmp_path / "out"
    result: CliResult = run_cli(
        "report",
        root,
        "--as-of",
        "2026-11-25",
        "--html",
        out / "r.html",
        "--sign-key",
        keys.private_key,
    )
    assert result.code == 0, result.err
    digest = json.loads((out / "r.intoto.jsonl").read_text(encoding="utf-8"))
    statement = json.loads(base64.b64decode(digest["payload"]))
    model = statement["predicate"]["model"]
    page = html.unescape((out / "r.html").read_text(encoding="utf-8"))
    assert "model-signing signature verified (public key)" in page
    assert model["sha256"][:32] in page and model["sha256"][32:] in page
    svr = json.loads((out / "r.svr.intoto.jsonl").read_text(encoding="utf-8"))
    subject = json.loads(base64.b64decode(svr["payload"]))["subject"]
    assert subject == [{"name": "weights.bin", "digest": {"sha256": model["sha256"]}}]
    verified = run_cli("verify", out / "r.html", "--key", keys.public_key)
    assert verified.code == 0, verified.out
    assert "(in-toto SVR): subject weights.bin" in verified.out


def _certificate(subject: str, key: Any, issuer: tuple[str, Any] | None, ca: bool) -> Any:
    """A certificate for `key`, issued by (name, key) or self-signed, valid around now."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, issuer_key = issuer if issuer is not None else (subject, key)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def test_a_certificate_signed_model_verifies_against_its_chain(tmp_path: Path) -> None:
    from model_signing import signing

    root = tmp_path / "system"
    (root / "model").mkdir(parents=True)
    weights = root / "model" / "weights.bin"
    weights.write_bytes(b"weights" * 500)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test Model CA", ca_key, None, ca=True)
    leaf = _certificate("Model Signer", leaf_key, ("Test Model CA", ca_key), ca=False)
    pem = serialization.Encoding.PEM
    (root / "model" / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "leaf.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    config = signing.Config().use_certificate_signer(  # type: ignore[no-untyped-call]
        private_key=tmp_path / "leaf.key",
        signing_certificate=tmp_path / "leaf.pem",
        certificate_chain=[root / "model" / "ca.pem"],
    )
    config.sign(weights, root / "model" / "weights.sig")
    ref = ModelRef(
        path="model/weights.bin",
        signature="model/weights.sig",
        certificate_chain=["model/ca.pem"],
    )
    result = verify_model(root, ref)
    assert result.status == "verified", result.problem
    assert result.method == "certificate"
    weights.write_bytes(b"weights" * 499 + b"weightz")
    assert verify_model(root, ref).status == "failed"
