"""PAdES signatures on report PDFs with pyHanko, and reading back what a PDF carries.

The PAdES signature is for people opening the PDF in a reader and for a PDF verified alone: the
DSSE envelope of the attached assessment travels inside the PDF (added in the same incremental
update as the signature, so the signature covers it), and `govern verify` then rests on this
signature for the pages and on the envelope for what the report asserts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govern.errors import GovernError
from govern.sign.keys import SigningKey, fingerprint, sign_bytes, supported_public

SIGNATURE_FIELD = "govern-signature"
# PDF/A-3b is built on PDF 1.7; an ECDSA signature needs nothing newer.
PDF_A3_VERSION = (1, 7)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file added to the PDF with the signature (a PDF/A-3 associated file)."""

    name: str
    data: bytes
    mime: str
    description: str


class PdfReadError(GovernError):
    """The PDF cannot be parsed; verification reports it as a failed check."""

    exit_code = 1


@dataclass(frozen=True)
class PadesSignature:
    field: str
    intact: bool
    whole_file: bool
    keyid: str | None
    subject: str | None
    signed_at: dt.datetime | None
    problem: str | None = None

    def describe(self) -> str:
        if self.problem:
            return self.problem
        if not self.intact:
            return "the signed bytes were changed"
        when = f" at {self.signed_at.isoformat()}" if self.signed_at else ""
        if not self.whole_file:
            return (
                f"made by {self.subject or 'unknown signer'}{when}, but content was added after "
                "signing (a later revision of the PDF): the report is invalid"
            )
        return f"intact, by {self.subject or 'unknown signer'}{when}"


@dataclass(frozen=True)
class PdfInventory:
    attachments: dict[str, bytes]
    signatures: tuple[PadesSignature, ...]


def preload() -> None:
    """Import what `sign` uses (pyHanko, 0.4 s) ahead of time: `govern report` does it while the
    other process lays out the PDF (govern.report.pdf_worker), instead of after it."""
    import pyhanko.pdf_utils.embed
    import pyhanko.pdf_utils.incremental_writer
    import pyhanko.pdf_utils.reader
    import pyhanko.sign.signers.pdf_signer  # noqa: F401
    import pyhanko_certvalidator.registry  # noqa: F401


def sign(
    pdf: bytes,
    key: SigningKey,
    reason: str,
    when: dt.datetime,
    location: str | None = None,
    embed: tuple[EmbeddedFile, ...] = (),
) -> bytes:
    """Add an invisible PAdES B-B signature as an incremental update, keeping the PDF/A bytes.

    `embed` files are attached in the same update, before the signature is computed, so the
    signature covers them. With an ECDSA key the update keeps the PDF at version 1.7 (pyHanko
    would declare 2.0 and the ISO 32002 extension for any elliptic curve; ECDSA on P-256 is
    PDF 1.7 PAdES, and PDF/A-3b claims 1.7). An Ed25519 signature does need PDF 2.0.

    `when` is the signing time written into the signature and the update's modification dates
    (the envelope's signing time). Nothing else varies between runs: pyHanko's random second file
    identifier is replaced by a digest of the PDF and the time, and Ed25519 signatures are
    deterministic (ECDSA with RFC 6979 nonces), so the same PDF, key and time give the same signed
    bytes. (Both hooks use
    pyHanko internals; the reproducibility test in tests/sign catches a change there.)
    """
    if key.certificate is None:
        raise ValueError("PAdES needs a certificate")
    from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import embed as pdf_embed
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import DocumentMetadata
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers import constants
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    update_id = hashlib.sha256(pdf + when.isoformat().encode("ascii")).digest()[:16]

    class Dated(DocumentMetadata):
        """pyHanko stamps the update's /ModDate and xmp:ModifyDate "now": make that `when`."""

        def __setattr__(self, name: str, value: Any) -> None:
            moment = when if name == "last_modified" and value == "now" else value
            super().__setattr__(name, moment)

    cap = not isinstance(key.private, Ed25519PrivateKey)

    class Writer(IncrementalPdfFileWriter):
        def __init__(self, stream: io.BytesIO) -> None:
            super().__init__(stream)
            self._meta = Dated()

        def ensure_output_version(self, version: tuple[int, int]) -> None:
            capped = min(version, PDF_A3_VERSION) if cap else version
            super().ensure_output_version(capped)  # type: ignore[no-untyped-call]

        def register_extension(self, ext: Any) -> None:
            if cap and ext in (constants.ISO32001, constants.ISO32002):
                return  # PDF 2.0 extensions: not for a PDF 1.7 file
            super().register_extension(ext)

        @classmethod
        def _handle_id(cls, prev: PdfFileReader) -> generic.ArrayObject:
            first = IncrementalPdfFileWriter._handle_id(prev)[0]  # type: ignore[no-untyped-call]
            return generic.ArrayObject([first, generic.ByteStringObject(update_id)])

    class Signer(signers.PdfSigner):
        def init_signing_session(
            self, pdf_out: Any, existing_fields_only: bool = False
        ) -> PdfSigningSession:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = when
            return session

    class Deterministic(signers.SimpleSigner):
        """pyHanko's ECDSA draws a random nonce; govern's RFC 6979 signing repeats exactly."""

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if isinstance(key.private, Ed25519PrivateKey) or digest_algorithm != "sha256":
                return super().sign_raw(data, digest_algorithm)
            return sign_bytes(key.private, data)

        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            return self.sign_raw(data, digest_algorithm)

    cert = asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(
        key.private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = Deterministic(
        signing_cert=cert,
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        # Ed25519 in PDF is defined with SHA-512 (ISO 32002); P-256 pairs with SHA-256.
        md_algorithm="sha512" if isinstance(key.private, Ed25519PrivateKey) else "sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=_common_name(key.certificate),
    )
    writer = Writer(io.BytesIO(pdf))
    for item in embed:
        params = pdf_embed.EmbeddedFileParams(creation_date=when, modification_date=when)
        stream = pdf_embed.EmbeddedFileObject.from_file_data(
            writer, item.data, params=params, mime_type=item.mime
        )
        spec = pdf_embed.FileSpec(
            file_spec_string=item.name,
            file_name=item.name,
            embedded_data=stream,
            description=item.description,
            af_relationship=generic.pdf_name("/Supplement"),
        )
        pdf_embed.embed_file(writer, spec)
    output = Signer(meta, signer).sign_pdf(writer)
    data: bytes = output.getvalue()
    return data


def inspect(pdf: bytes) -> PdfInventory:
    """Embedded files by name and every signature with its integrity, signer key and time."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        attachments = _embedded_files(reader.root)
        signatures = tuple(_signature(s) for s in reader.embedded_signatures)
    except PdfError as exc:
        raise PdfReadError(f"not a readable PDF ({exc})") from None
    except Exception as exc:  # a damaged file can break the parser anywhere; it is still damaged
        raise PdfReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    return PdfInventory(attachments, signatures)


def _get(node: Any, key: str) -> Any:
    """A dictionary entry with indirect references resolved, or None (pyHanko's .get does not)."""
    return node[key] if key in node else None  # noqa: SIM401 - .get skips dereferencing


def _embedded_files(root: Any) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    names = _get(root, "/Names")
    tree = _get(names, "/EmbeddedFiles") if names is not None else None
    if tree is None:
        return files

    def walk(node: Any) -> None:
        pairs = _get(node, "/Names")
        if pairs is not None:
            for i in range(0, len(pairs) - 1, 2):
                spec = pairs[i + 1]
                stream = spec["/EF"]["/F"]
                name = _get(spec, "/UF") or pairs[i]
                files[str(name)] = stream.data
        for kid in _get(node, "/Kids") or ():
            walk(kid)

    walk(tree)
    return files


def _signature(embedded: Any) -> PadesSignature:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    name = str(embedded.field_name)
    try:
        cert = embedded.signer_cert
        keyid, subject = _cert_identity(cert.dump())
        # No difference analysis: any change after signing fails verification (the signature
        # must cover the whole file), and pyHanko logs a traceback for changes it cannot explain.
        status = validate_pdf_signature(
            embedded, ValidationContext(trust_roots=[cert]), skip_diff=True
        )
    except Exception as exc:  # pyHanko's errors are ValueErrors; a damaged file raises others
        return PadesSignature(name, False, False, None, None, None, f"cannot be validated: {exc}")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return PadesSignature(
        field=name,
        intact=bool(status.intact and status.valid),
        whole_file=whole,
        keyid=keyid,
        subject=subject,
        signed_at=status.signer_reported_dt,
    )


def _cert_identity(der: bytes) -> tuple[str | None, str | None]:
    cert = x509.load_der_x509_certificate(der)
    key = cert.public_key()
    keyid = fingerprint(key) if supported_public(key) else None
    return keyid, _common_name(cert)


def _common_name(cert: x509.Certificate) -> str | None:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else None
