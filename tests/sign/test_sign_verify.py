"""`govern verify` on signed reports: valid, tampered, wrong key, unsigned, PAdES, evidence."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from govern.engine.assessment import Assessment
from govern.sign.dsse import SignatureFormatError
from govern.sign.keys import GeneratedKeys, PublicKey, load_public_key
from govern.sign.statement import PREDICATE_TYPE
from govern.sign.verify import verify_report
from tests.conftest import CliResult
from tests.report.conftest import pdf_text
from tests.sign.conftest import AS_OF, Signed, flip, make_system, sign

# Signs and verifies real PDF reports (~15 s); the quick run keeps the dsse, keys and attest tests.
pytestmark = pytest.mark.slow

Run = Callable[..., CliResult]


def test_a_signed_report_verifies(run_cli: Run, signed: Signed, keys: GeneratedKeys) -> None:
    result = run_cli("verify", signed.pdf, "--key", keys.public_key, "--evidence", signed.system)
    assert result.code == 0, result.out
    assert f"signer   {keys.keyid}" in result.out
    assert "signed   " in result.out and "(signer's clock)" in result.out
    assert f"verdict as signed: PASS: Demo Scorer 1.0.0, as of {AS_OF}" in result.out
    assert "ok   report.pdf PAdES signature: intact, by ACME Model Risk Office" in result.out
    assert "ok   report.pdf attached assessment.json: matches the signed assessment" in result.out
    assert "ok   evidence docs/card.yaml" in result.out
    assert result.out.startswith(f"VALID: {signed.pdf}\n")


@pytest.mark.parametrize("which", ["envelope", "html", "json"])
def test_any_report_file_or_the_envelope_can_be_named(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, which: str
) -> None:
    result = run_cli("verify", getattr(signed, which), "--key", keys.public_key)
    assert result.code == 0, result.out


def test_the_certificate_can_stand_in_for_the_public_key(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    assert keys.certificate is not None
    assert run_cli("verify", signed.pdf, "--key", keys.certificate).code == 0


def test_a_copied_folder_still_verifies(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, tmp_path: Path
) -> None:
    moved = shutil.copytree(signed.out, tmp_path / "elsewhere" / "report")
    assert run_cli("verify", moved / "report.pdf", "--key", keys.public_key).code == 0


@pytest.mark.parametrize("which", ["pdf", "html", "json"])
@pytest.mark.parametrize("where", [0, 0.5, -1])
def test_flipping_any_byte_of_a_report_file_fails(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, which: str, where: float
) -> None:
    path: Path = getattr(signed, which)
    size = path.stat().st_size
    flip(path, int(size * where) if where >= 0 else size - 1)
    result = run_cli("verify", signed.envelope, "--key", keys.public_key)
    assert result.code == 1
    assert f"FAIL {path.name}: sha256 is" in result.out
    assert "INVALID" in result.out


def verifies(report: Path, trusted: PublicKey) -> bool:
    """Valid, as `govern verify` decides: a malformed envelope raises and does not verify."""
    try:
        return verify_report(report, trusted).valid
    except SignatureFormatError:
        return False


def test_flipping_any_byte_of_the_envelope_fails(signed: Signed, keys: GeneratedKeys) -> None:
    """Every single byte: keyid, signature, payload, payload type, JSON syntax and newline."""
    trusted = load_public_key(keys.public_key)
    original = signed.envelope.read_bytes()
    for offset in range(len(original)):
        data = bytearray(original)
        data[offset] ^= 0x01
        signed.envelope.write_bytes(bytes(data))
        assert not verifies(signed.pdf, trusted), offset
    signed.envelope.write_bytes(original)
    assert verifies(signed.pdf, trusted)


def test_a_changed_evidence_file_fails_with_evidence(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    card = signed.system / "docs" / "card.yaml"
    flip(card, card.stat().st_size // 2)
    without = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert without.code == 0  # the report itself is intact
    result = run_cli("verify", signed.pdf, "--key", keys.public_key, "--evidence", signed.system)
    assert result.code == 1
    assert "FAIL evidence docs/card.yaml: changed since the report" in result.out


def test_a_missing_evidence_file_fails(run_cli: Run, signed: Signed, keys: GeneratedKeys) -> None:
    (signed.system / "docs" / "attestations.yaml").unlink()
    result = run_cli("verify", signed.pdf, "--key", keys.public_key, "--evidence", signed.system)
    assert result.code == 1
    assert "FAIL evidence docs/attestations.yaml: missing" in result.out


def test_another_key_fails(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, other_keys: GeneratedKeys
) -> None:
    result = run_cli("verify", signed.pdf, "--key", other_keys.public_key)
    assert result.code == 1
    assert (
        f"FAIL envelope signature: signed by another key {keys.keyid}, "
        f"not by the trusted key {other_keys.keyid}"
    ) in result.out
    assert "altered" not in result.out
    assert "verdict" not in result.out  # nothing from an unverified payload is shown


def rewrite_envelope(
    signed: Signed, payload: bytes | None = None, keyid: str | None = None
) -> None:
    """Edit the envelope as someone with a text editor would: still canonical base64 and JSON."""
    envelope = json.loads(signed.envelope.read_text())
    if payload is not None:
        envelope["payload"] = base64.b64encode(payload).decode("ascii")
    if keyid is not None:
        envelope["signatures"][0]["keyid"] = keyid
    signed.envelope.write_text(json.dumps(envelope, separators=(",", ":")) + "\n")


def test_an_edited_envelope_is_reported_as_altered_not_as_another_key(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    envelope = json.loads(signed.envelope.read_text())
    payload = base64.b64decode(envelope["payload"])
    rewrite_envelope(signed, payload=payload.replace(b'"verdict":"pass"', b'"verdict":"fail"'))
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 1
    (line,) = [x for x in result.out.splitlines() if x.startswith("FAIL envelope signature")]
    assert "the envelope was altered after signing" in line
    assert line.count(keys.keyid) == 1 and "another key" not in line


def test_an_edited_key_id_is_reported_as_altered(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, other_keys: GeneratedKeys
) -> None:
    rewrite_envelope(signed, keyid=other_keys.keyid)
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 1
    assert "the envelope was altered after signing" in result.out
    assert "its key id was changed" in result.out and "another key" not in result.out


def test_the_pdf_and_its_envelope_verify_without_the_other_files(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, tmp_path: Path
) -> None:
    """An auditor is often sent just the PDF and the envelope: the PDF is what must verify."""
    sent = tmp_path / "sent"
    sent.mkdir()
    for path in (signed.pdf, signed.envelope):
        shutil.copy(path, sent)
    result = run_cli("verify", sent / "report.pdf", "--key", keys.public_key)
    assert result.code == 0, result.out
    assert f"--   report.html: not present in {sent.as_posix()}/, not checked" in result.out
    assert f"--   report.json: not present in {sent.as_posix()}/, not checked" in result.out
    assert "ok   report.pdf: sha256" in result.out and "FAIL" not in result.out
    assert result.out.startswith(f"VALID: {sent / 'report.pdf'}\n")


def test_another_signed_file_that_is_present_and_changed_still_fails(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    signed.json.unlink()
    flip(signed.html, 100)
    result = run_cli("verify", signed.pdf, "--key", keys.public_key)
    assert result.code == 1
    assert "FAIL report.html: sha256 is" in result.out
    assert "--   report.json: not present" in result.out
    assert "INVALID: 1 check(s) failed" in result.out


def test_the_envelope_alone_does_not_verify(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, tmp_path: Path
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(signed.envelope, alone)
    result = run_cli("verify", alone / signed.envelope.name, "--key", keys.public_key)
    assert result.code == 1
    assert f"FAIL signed files: none of the files the envelope signs is in {alone}/" in result.out


def test_the_envelope_named_still_checks_the_files_that_are_there(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    signed.html.unlink()
    result = run_cli("verify", signed.envelope, "--key", keys.public_key)
    assert result.code == 0, result.out
    assert "ok   report.pdf: sha256" in result.out and "--   report.html: not present" in result.out


def test_a_report_file_not_named_like_the_envelope_finds_it(
    run_cli: Run, keys: GeneratedKeys, tmp_path: Path
) -> None:
    """`govern report` names the envelope after its first file; the others find it too."""
    system = make_system(tmp_path / "system")
    html, js = tmp_path / "out" / "report.html", tmp_path / "out" / "assessment.json"
    args = ["--html", html, "--json", js, "--sign-key", keys.private_key, "--as-of", AS_OF]
    assert run_cli("report", system, *args).code == 0
    assert (tmp_path / "out" / "report.intoto.jsonl").is_file()
    result = run_cli("verify", js, "--key", keys.public_key)
    assert result.code == 0, result.out
    assert "ok   assessment.json is the signed assessment" in result.out
    # Two envelopes that both name the file: verify does not guess.
    shutil.copy(tmp_path / "out" / "report.intoto.jsonl", tmp_path / "out" / "copy.intoto.jsonl")
    assert run_cli("verify", js, "--key", keys.public_key).out.startswith("INVALID: unsigned:")


def test_an_unsigned_report_is_reported_as_unsigned(
    run_cli: Run, keys: GeneratedKeys, tmp_path: Path
) -> None:
    system = make_system(tmp_path / "system")
    pdf = tmp_path / "plain.pdf"
    assert run_cli("report", system, "--pdf", pdf, "--as-of", AS_OF).code == 0
    result = run_cli("verify", pdf, "--key", keys.public_key)
    assert result.code == 1
    assert result.out.startswith(f"INVALID: unsigned: no signature envelope for {pdf}")
    assert "This report is not signed" in pdf_text(pdf)


def test_a_missing_envelope_beside_a_signed_html_report_is_unsigned(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    """Only a PAdES-signed PDF carries its envelope inside; the HTML needs the one beside it."""
    signed.envelope.unlink()
    result = run_cli("verify", signed.html, "--key", keys.public_key)
    assert result.code == 1 and result.out.startswith("INVALID: unsigned")


def test_a_report_not_named_in_the_statement_fails(
    run_cli: Run, signed: Signed, keys: GeneratedKeys
) -> None:
    renamed = signed.out / "renamed.pdf"
    signed.pdf.rename(renamed)
    shutil.copy(signed.envelope, signed.out / "renamed.intoto.jsonl")
    result = run_cli("verify", renamed, "--key", keys.public_key)
    assert result.code == 1
    assert "renamed.pdf is not one of the signed files" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--key", "{out}/missing.pub"), "missing.pub: public key not found"),
        (("--key", "{out}/report.json"), "not a PEM public key"),
        (("--key", "{key}", "--evidence", "{out}/nope"), "--evidence must be the system folder"),
    ],
)
def test_usage_errors_exit_two(
    run_cli: Run, signed: Signed, keys: GeneratedKeys, args: tuple[str, ...], message: str
) -> None:
    filled = [a.format(out=signed.out, key=keys.public_key) for a in args]
    result = run_cli("verify", signed.pdf, *filled)
    assert result.code == 2, result.out + result.err
    assert message in result.err


def test_verify_without_key_is_a_usage_error(run_cli: Run, signed: Signed) -> None:
    assert run_cli("verify", signed.pdf).code == 2


def test_the_envelope_is_an_in_toto_statement_about_every_file(signed: Signed) -> None:
    envelope = json.loads(signed.envelope.read_text())
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == PREDICATE_TYPE
    digests = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    for path in (signed.pdf, signed.html, signed.json):
        assert digests[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    predicate = statement["predicate"]
    assessment = Assessment.model_validate_json(signed.json.read_bytes())
    assert predicate["assessment"]["sha256"] == hashlib.sha256(signed.json.read_bytes()).hexdigest()
    assert predicate["verdict"] == assessment.summary.verdict
    assert predicate["asOf"] == AS_OF
    assert [(e["path"], e["sha256"]) for e in predicate["evidence"]] == [
        (e.path, e.sha256) for e in assessment.evidence
    ]
    assert predicate["manifest"]["sha256"] == assessment.manifest.sha256
    assert predicate["policies"][0]["files"][0]["sha256"] == assessment.packs[0].files[0].sha256
    assert predicate["signer"]["certificateSha256"]


def test_the_pdf_carries_a_pades_signature_and_the_signer_on_its_cover(
    signed: Signed, keys: GeneratedKeys
) -> None:
    reader = PdfReader(signed.pdf)
    fields = reader.get_fields() or {}
    assert any(f.get("/FT") == "/Sig" for f in fields.values())
    cover = " ".join(reader.pages[0].extract_text().split())
    assert keys.keyid in cover.replace(" ", "") or keys.keyid[:40] in cover.replace(" ", "")
    assert "CN=ACME Model Risk Office" in cover
    # The signed revision still says PDF/A-3b and still carries the assessment.
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.attachments["assessment.json"][0] == signed.json.read_bytes()
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_signing_leaves_the_rendered_bytes_untouched(
    signed_once: Signed, keys: GeneratedKeys
) -> None:
    """PAdES is an incremental update: the signed PDF starts with the bytes as rendered."""
    import datetime as dt

    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.context import Signer
    from govern.report.html import TemplateSet
    from govern.sign.files import envelope_path
    from govern.sign.keys import load_signing_key

    key = load_signing_key(keys.private_key, cert_path=keys.certificate)
    assessment, _ = _assess(signed_once.system, EngineOptions(as_of=dt.date(2026, 11, 25)), [])
    outputs = Outputs(
        pdf=signed_once.pdf,
        html=signed_once.html,
        json=signed_once.json,
        envelope=envelope_path(signed_once.pdf),
    )
    signer = Signer(key.keyid, key.certificate_subject)
    rendered = render_report(assessment, TemplateSet.load(), outputs, signer)
    assert rendered.pdf is not None
    signed = signed_once.pdf.read_bytes()
    assert signed.startswith(rendered.pdf) and len(signed) > len(rendered.pdf)


def test_signed_output_is_reproducible_with_source_date_epoch(
    signed_once: Signed, keys: GeneratedKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the signing time fixed, the PAdES-signed PDF and the envelope repeat byte for byte."""
    from govern.sign import pades

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795564800")
    first = sign(signed_once.system, tmp_path / "a", keys.private_key, None)
    second = sign(signed_once.system, tmp_path / "b", keys.private_key, None)
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    assert first.envelope.read_bytes() == second.envelope.read_bytes()
    statement = json.loads(base64.b64decode(json.loads(first.envelope.read_text())["payload"]))
    assert statement["predicate"]["signedAt"] == "2026-11-25T00:00:00Z"
    (signature,) = pades.inspect(first.pdf.read_bytes()).signatures  # the .crt beside the key
    assert signature.intact and signature.signed_at is not None
    assert signature.signed_at.isoformat() == "2026-11-25T00:00:00+00:00"


def test_a_pades_signature_by_another_key_fails(
    keys: GeneratedKeys, other_keys: GeneratedKeys, tmp_path: Path
) -> None:
    """The envelope is fine, but the PDF's own signature was made by someone else."""
    import datetime as dt

    from govern.cli.report import _assess
    from govern.engine.evaluate import EngineOptions
    from govern.report.build import Outputs, render_report
    from govern.report.html import TemplateSet
    from govern.sign import pades
    from govern.sign.files import sign_report, signing_time
    from govern.sign.keys import load_signing_key
    from govern.sign.statement import report_predicate

    system = make_system(tmp_path / "system")
    assessment, _ = _assess(system, EngineOptions(as_of=dt.date(2026, 11, 25)), [])
    outputs = Outputs(pdf=tmp_path / "r.pdf")
    rendered = render_report(assessment, TemplateSet.load(), outputs)
    assert rendered.pdf is not None and other_keys.certificate is not None
    mine = load_signing_key(keys.private_key)
    theirs = load_signing_key(other_keys.private_key, cert_path=other_keys.certificate)
    pdf = pades.sign(rendered.pdf, theirs, reason="test", when=signing_time())
    outputs.primary.write_bytes(pdf)
    predicate = report_predicate(assessment, rendered.json, mine, signing_time())
    envelope = sign_report([(outputs.primary, pdf)], tmp_path / "r.intoto.jsonl", predicate, mine)
    (tmp_path / "r.intoto.jsonl").write_text(envelope.to_json())
    result = verify_report(outputs.primary, mine.public)
    assert not result.valid
    failed = [c for c in result.checks if c.state == "fail"]
    assert [c.what for c in failed] == ["r.pdf PAdES signature"]
    assert failed[0].detail.startswith("made with another key")
