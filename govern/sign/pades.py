"""PAdES signatures on report PDFs with pyHanko, and reading back what a PDF carries.

The PAdES signature is for people opening the PDF in a reader; `govern verify` trusts the DSSE
envelope and checks this signature only to confirm it was made with the same key and is intact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govern.errors import GovernError
from govern.sign.keys import SigningKey, fingerprint

SIGNATURE_FIELD = "govern-signature"


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


def sign(
    pdf: bytes,
    key: SigningKey,
    reason: str,
    when: dt.datetime,
    location: str | None = None,
) -> bytes:
    """Add an invisible PAdES B-B signature as an incremental update, keeping the PDF/A bytes.

    `when` is the signing time written into the signature and the update's modification dates
    (the envelope's signing time). Nothing else varies between runs: pyHanko's random second file
    identifier is replaced by a digest of the PDF and the time, and Ed25519 signatures are
    deterministic, so the same PDF, key and time give the same signed bytes. (Both hooks use
    pyHanko internals; the reproducibility test in tests/sign catches a change there.)
    """
    if key.certificate is None:
        raise ValueError("PAdES needs a certificate")
    from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import DocumentMetadata
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    update_id = hashlib.sha256(pdf + when.isoformat().encode("ascii")).digest()[:16]

    class Dated(DocumentMetadata):
        """pyHanko stamps the update's /ModDate and xmp:ModifyDate "now": make that `when`."""

        def __setattr__(self, name: str, value: Any) -> None:
            moment = when if name == "last_modified" and value == "now" else value
            super().__setattr__(name, moment)

    class Writer(IncrementalPdfFileWriter):
        def __init__(self, stream: io.BytesIO) -> None:
            super().__init__(stream)
            self._meta = Dated()

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

    cert = asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(
        key.private.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=private,
        cert_registry=SimpleCertificateStore.from_certs([cert]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha512",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=_common_name(key.certificate),
    )
    writer = Writer(io.BytesIO(pdf))
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
    keyid = fingerprint(key) if isinstance(key, Ed25519PublicKey) else None
    return keyid, _common_name(cert)


def _common_name(cert: x509.Certificate) -> str | None:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else None
