"""Checking a signed report: the envelope signature, every file's digest, the attached assessment,
the PAdES signature and, on request, the evidence and policy packs it was made from.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from govern.errors import UsageError
from govern.sign.dsse import (
    PAYLOAD_TYPE,
    Envelope,
    SignatureFormatError,
    parse_envelope,
    signature_problem,
)
from govern.sign.files import EMBEDDED_ENVELOPE, ENVELOPE_SUFFIX, envelope_path, subject_name
from govern.sign.keys import PublicKey, algorithm_name, fingerprint, read_key_file
from govern.sign.statement import PREDICATE_TYPE, PolicyDigest, ReportPredicate, Statement, Subject
from govern.sign.svr import SVR_SUFFIX, svr_path, svr_problems

if TYPE_CHECKING:
    from govern.sign.pades import PdfInventory

# --- verification -------------------------------------------------------------------------------

CheckState = Literal["ok", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    """One thing verify looked at: a file digest, a signature, an evidence file."""

    what: str
    state: CheckState
    detail: str = ""


@dataclass
class Verification:
    """Everything `govern verify` found; valid only when it is signed and no check failed."""

    envelope: Path | None
    signed: bool = False
    checks: list[Check] = field(default_factory=list)
    predicate: ReportPredicate | None = None
    keyid: str | None = None
    # True when the PDF was verified alone, from the envelope and PAdES signature inside it.
    inside_pdf: bool = False

    @property
    def valid(self) -> bool:
        return self.signed and all(c.state != "fail" for c in self.checks)

    def add(self, what: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(what, "ok" if ok else "fail", detail))
        return ok


def find_envelope(report: Path) -> Path | None:
    """The envelope for REPORT: REPORT itself when it is one, else the one beside it, if any.

    Beside it means REPORT.intoto.jsonl (report.pdf -> report.intoto.jsonl), where `govern
    report` writes it for its first file. A report's other files (report.html, a JSON under
    another name) share that envelope: when there is no envelope named after REPORT, the one
    envelope in its folder whose statement names it is taken. Which file is taken does not
    matter to trust: the envelope is verified in full afterwards.
    """
    if report.name.endswith(SVR_SUFFIX):
        # The SVR is checked with the report envelope it was signed beside.
        beside = report.with_name(report.name.removesuffix(SVR_SUFFIX) + ENVELOPE_SUFFIX)
        return beside if beside.is_file() else None
    if report.name.endswith(ENVELOPE_SUFFIX):
        return report
    candidate = envelope_path(report)
    if candidate.is_file():
        return candidate
    naming = [
        path
        for path in sorted(report.parent.glob("*" + ENVELOPE_SUFFIX))
        if subject_name(report, path) in _subject_names(path)
    ]
    return naming[0] if len(naming) == 1 else None


def _subject_names(envelope_file: Path) -> set[str]:
    """The subject names an envelope claims, unverified: only to find a report's envelope."""
    try:
        envelope = parse_envelope(envelope_file.read_text(encoding="utf-8"), envelope_file.name)
        statement = Statement.model_validate_json(envelope.payload_bytes())
    except (OSError, UnicodeDecodeError, SignatureFormatError, ValidationError):
        return set()
    return {s.name for s in statement.subject}


def verify_report(
    report: Path, trusted: PublicKey, evidence_dir: Path | None = None
) -> Verification:
    """Check the envelope signature, the subjects' digests, PDFs, and optionally the evidence.

    The file named (REPORT) must be one of the statement's subjects and match it. The other
    subjects are checked when they are present: an auditor is often sent just the PDF and its
    envelope, so an absent one is a note, while one that is present and differs fails. When
    REPORT is the envelope itself, at least one subject must be present. A PDF with no envelope
    beside it is verified from the envelope and the PAdES signature inside it, if it has them.

    Raises UsageError when REPORT does not exist, and SignatureFormatError (exit 1) when the
    envelope is not a DSSE envelope of an in-toto statement: such a report does not verify.
    """
    if not report.is_file():
        raise UsageError(f"{report}: no such file")
    envelope_file = find_envelope(report)
    if envelope_file is None:
        return _verify_pdf_alone(report, trusted, evidence_dir)
    result = Verification(envelope_file)
    text = read_key_file(envelope_file, "signature envelope").decode("utf-8", errors="replace")
    result.signed = True
    result.keyid = fingerprint(trusted)
    envelope = parse_envelope(text, envelope_file.name)
    problem = signature_problem(envelope, trusted)
    if problem is not None:
        result.add("envelope signature", False, problem)
        return result
    statement = _statement(envelope, envelope_file.name)
    result.add("envelope signature", True, f"{algorithm_name(trusted)}, key {result.keyid}")
    predicate = ReportPredicate.model_validate(statement.predicate)
    result.predicate = predicate
    base = envelope_file.parent
    named = (
        None
        if report == envelope_file or report.name.endswith(SVR_SUFFIX)
        else subject_name(report, envelope_file)
    )
    if named is not None:
        covered = named in {s.name for s in statement.subject}
        result.add(
            "report named in the statement",
            covered,
            "" if covered else f"{report.name} is not one of the signed files",
        )
    present = [
        _check_subject(result, base, subject, predicate, trusted, required=subject.name == named)
        for subject in statement.subject
    ]
    if named is None and not any(present):
        result.add("signed files", False, f"none of the files the envelope signs is in {base}/")
    _check_svr(result, svr_path(envelope_file), predicate, trusted)
    if evidence_dir is not None:
        _check_evidence(result, evidence_dir, predicate)
    return result


def _check_svr(
    result: Verification, svr_file: Path, predicate: ReportPredicate, trusted: PublicKey
) -> None:
    """The Simple Verification Result beside the envelope: signed by the same key, laid out as
    an in-toto statement, and saying what the report says (subject, policy digest, verdict).

    Reports signed before govern wrote SVRs have none: its absence is a note, not a failure.
    """
    what = f"{svr_file.name} (in-toto SVR)"
    if not svr_file.is_file():
        result.checks.append(Check(what, "skip", "not present, not checked"))
        return
    text = read_key_file(svr_file, "SVR envelope").decode("utf-8", errors="replace")
    try:
        envelope = parse_envelope(text, svr_file.name)
        problem = signature_problem(envelope, trusted)
        if problem is not None:
            result.add(what, False, problem)
            return
        statement = Statement.model_validate_json(envelope.payload_bytes())
        problems = svr_problems(statement, predicate)
    except (SignatureFormatError, ValidationError) as exc:
        result.add(what, False, f"not an SVR statement govern wrote ({_first_error(exc)})")
        return
    result.add(what, not problems, "; ".join(problems) or f"subject {statement.subject[0].name}")


def _first_error(exc: SignatureFormatError | ValidationError) -> str:
    return str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else str(exc)


def _verify_pdf_alone(report: Path, trusted: PublicKey, evidence_dir: Path | None) -> Verification:
    """A PDF sent without its envelope: the signatures inside it must cover everything.

    The PAdES signature by the trusted key must cover the whole file (the pages, the attached
    assessment and the envelope inside), and the envelope inside must be signed by the same key
    and name the attached assessment by its sha256; then the predicate is as trustworthy as
    with the envelope beside the PDF, and --evidence checks the same files.
    """
    from govern.sign import pades  # pyHanko only when a PDF is being checked

    result = Verification(None)
    try:
        with report.open("rb") as handle:
            if handle.read(5) != b"%PDF-":
                return result  # not a PDF: only an envelope beside it could sign it
        data = report.read_bytes()
    except OSError as exc:
        raise UsageError(f"{report}: cannot read: {exc.strerror}") from None
    try:
        inventory = pades.inspect(data)
    except pades.PdfReadError as exc:
        # Unreadable: whether it was signed cannot be told, and it does not verify either way.
        result.signed = True
        result.add(f"{report.name} structure", False, str(exc))
        return result
    if EMBEDDED_ENVELOPE not in inventory.attachments:
        return result
    result.signed = result.inside_pdf = True
    result.keyid = fingerprint(trusted)
    predicate = _embedded_predicate(result, report.name, inventory, trusted)
    if predicate is None:
        return result
    result.predicate = predicate
    _check_pdf(result, report.name, inventory, predicate, trusted, alone=True)
    if evidence_dir is not None:
        _check_evidence(result, evidence_dir, predicate)
    return result


def _embedded_predicate(
    result: Verification, name: str, inventory: PdfInventory, trusted: PublicKey
) -> ReportPredicate | None:
    """Check the envelope inside a PDF and the attachments it signs; its predicate when valid."""
    what = f"{name} envelope inside ({EMBEDDED_ENVELOPE})"
    raw = inventory.attachments[EMBEDDED_ENVELOPE]
    try:
        envelope = parse_envelope(raw.decode("utf-8", errors="replace"), what)
        problem = signature_problem(envelope, trusted)
        if problem is not None:
            result.add(what, False, problem)
            return None
        statement = _statement(envelope, what)
    except SignatureFormatError as exc:
        result.add(what, False, str(exc))
        return None
    result.add(what, True, f"{algorithm_name(trusted)} signature, key {fingerprint(trusted)}")
    for subject in statement.subject:
        attached = inventory.attachments.get(subject.name)
        expected = subject.digest.get("sha256")
        actual = hashlib.sha256(attached).hexdigest() if attached is not None else None
        detail = (
            "missing from the PDF"
            if actual is None
            else f"sha256 {actual}"
            if actual == expected
            else f"sha256 is {actual}, the envelope inside says {expected}"
        )
        result.add(
            f"{name} attached {subject.name} as the envelope inside names it",
            actual == expected,
            detail,
        )
    return ReportPredicate.model_validate(statement.predicate)


def _statement(envelope: Envelope, source: str) -> Statement:
    if envelope.payload_type != PAYLOAD_TYPE:
        raise SignatureFormatError(
            f"{source}: payload type {envelope.payload_type!r} is not in-toto"
        )
    try:
        statement = Statement.model_validate_json(envelope.payload_bytes())
    except ValidationError as exc:
        raise SignatureFormatError(
            f"{source}: the payload is not an in-toto Statement v1 ({exc.errors()[0]['msg']})"
        ) from None
    if statement.predicate_type != PREDICATE_TYPE:
        raise SignatureFormatError(
            f"{source}: predicate type {statement.predicate_type!r} is not a govern report"
        )
    try:
        ReportPredicate.model_validate(statement.predicate)
    except ValidationError as exc:
        raise SignatureFormatError(
            f"{source}: the predicate is not a govern report summary ({exc.errors()[0]['msg']})"
        ) from None
    return statement


def _check_subject(
    result: Verification,
    base: Path,
    subject: Subject,
    predicate: ReportPredicate,
    trusted: PublicKey,
    required: bool = False,
) -> bool:
    """Check one signed file; False when it is not there (a failure only when `required`)."""
    path = base / subject.name
    expected = subject.digest.get("sha256")
    if expected is None:
        result.add(subject.name, False, "no sha256 digest in the statement")
        return True
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        where = f"{path.parent.as_posix()}/"
        if required:
            result.add(subject.name, False, f"missing (expected in {where})")
        else:
            result.checks.append(
                Check(subject.name, "skip", f"not present in {where}, not checked")
            )
        return False
    except OSError as exc:
        result.add(subject.name, False, f"cannot read {path}: {exc.strerror}")
        return True
    actual = hashlib.sha256(data).hexdigest()
    detail = f"sha256 {actual}"
    if actual != expected:
        from govern.sign.appended import appended_after

        added = appended_after(data, expected)
        detail = (
            added.describe()
            if added is not None
            else f"sha256 is {actual}, the signature says {expected}"
        )
    intact = result.add(subject.name, actual == expected, detail)
    if data.startswith(b"%PDF-"):
        # Even a PDF whose digest fails is opened: its PAdES check says whether the signed
        # bytes or only what came after them changed.
        _open_pdf(result, subject.name, data, predicate, trusted)
    if intact and subject.name.endswith(".json"):
        result.add(
            f"{subject.name} is the signed assessment",
            actual == predicate.assessment.sha256,
            ""
            if actual == predicate.assessment.sha256
            else "it is not the assessment named in the predicate",
        )
    return True


def _open_pdf(
    result: Verification, name: str, data: bytes, predicate: ReportPredicate, trusted: PublicKey
) -> None:
    from govern.sign import pades  # pyHanko only when a PDF is being checked

    try:
        inventory = pades.inspect(data)
    except pades.PdfReadError as exc:
        result.add(f"{name} structure", False, str(exc))
        return
    _check_pdf(result, name, inventory, predicate, trusted)


def _check_pdf(
    result: Verification,
    name: str,
    inventory: PdfInventory,
    predicate: ReportPredicate,
    trusted: PublicKey,
    alone: bool = False,
) -> None:
    """The attached assessment and the PAdES signatures; without the envelope beside the PDF
    (`alone`) a PAdES signature by the trusted key is required, since only it covers the pages.
    Beside an envelope, the envelope inside (if any) must be by the trusted key as well."""
    if not alone and EMBEDDED_ENVELOPE in inventory.attachments:
        _embedded_predicate(result, name, inventory, trusted)
    attached = inventory.attachments.get(predicate.assessment.attachment)
    digest = hashlib.sha256(attached).hexdigest() if attached is not None else None
    result.add(
        f"{name} attached {predicate.assessment.attachment}",
        digest == predicate.assessment.sha256,
        "matches the signed assessment"
        if digest == predicate.assessment.sha256
        else ("missing" if digest is None else f"sha256 {digest} differs from the signed one"),
    )
    if not inventory.signatures:
        if alone:
            result.add(f"{name} PAdES signature", False, "none: nothing signs the pages")
        else:
            result.checks.append(Check(f"{name} PAdES signature", "skip", "none (envelope only)"))
    wanted = predicate.signer.keyid if not alone else fingerprint(trusted)
    for signature in inventory.signatures:
        # A signature that does not cover the whole file means content was added after it.
        ok = signature.intact and signature.whole_file and signature.keyid == wanted
        detail = signature.describe()
        if signature.intact and signature.keyid != wanted:
            detail = f"made with another key ({signature.keyid})"
        result.add(f"{name} PAdES signature", ok, detail)


def _check_evidence(result: Verification, root: Path, predicate: ReportPredicate) -> None:
    from govern.load.containment import PathRefused, contained

    for item in [predicate.manifest, *predicate.evidence]:
        # The same containment as `check`: a report naming `../x` or a FIFO reads nothing.
        try:
            path = contained(root, item.path, noun="file")
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
        except PathRefused as exc:
            missing = "does not exist" in exc.message
            result.add(
                f"evidence {item.path}", False, f"missing in {root}" if missing else exc.message
            )
            continue
        except OSError:
            result.add(f"evidence {item.path}", False, f"missing in {root}")
            continue
        result.add(
            f"evidence {item.path}",
            actual == item.sha256,
            f"sha256 {actual}"
            if actual == item.sha256
            else f"changed since the report (sha256 {actual}, report says {item.sha256})",
        )
    for pack in predicate.policies:
        _check_pack(result, root, pack)


def _check_pack(result: Verification, root: Path, pack: PolicyDigest) -> None:
    """Re-hash a policy pack's files: a changed pack changes the verdict as evidence would.

    A pack inside the system folder must be there unchanged, with no rule file added (the
    loader reads every YAML file in it). A pack outside it (`../packs/acme`, an absolute path)
    is compared when it is present. A built-in pack is compared with this govern's copy when
    that has the same version. Otherwise a note says that the pack was not re-checked.
    """
    from govern.policy.loader import BUILTIN_PREFIX, builtin_root

    folder_name = _pack_folder(pack)
    if folder_name is None:
        result.checks.append(Check(f"policy {pack.id}", "skip", "no pack.yaml recorded"))
        return
    if folder_name.startswith(BUILTIN_PREFIX):
        folder = builtin_root() / folder_name.removeprefix(BUILTIN_PREFIX)
        _check_builtin_pack(result, pack, folder_name, folder)
        return
    folder = root / folder_name
    if _outside(folder_name) and not folder.is_dir():
        result.checks.append(
            Check(
                f"policy {folder_name} {pack.version}",
                "skip",
                "outside the system folder and not present, not re-checked",
            )
        )
        return
    digests = _pack_digests(folder, folder_name)
    result.checks.extend(_compare_pack(pack, digests, _folder_words(root)))


def _outside(folder_name: str) -> bool:
    """Whether a pack named by this path (relative to govern.yaml) lies outside its folder."""
    if PurePosixPath(folder_name).is_absolute() or Path(folder_name).is_absolute():
        return True
    return posixpath.normpath(folder_name).split("/")[0] == ".."


def _check_builtin_pack(result: Verification, pack: PolicyDigest, name: str, folder: Path) -> None:
    what = f"policy {name} {pack.version}"
    installed = _pack_version(folder)
    if installed is None:
        result.checks.append(
            Check(what, "skip", "not a built-in pack of this govern, not re-checked")
        )
        return
    if installed != pack.version:
        result.checks.append(
            Check(what, "skip", f"this govern has version {installed}, not re-checked")
        )
        return
    checks = _compare_pack(pack, _pack_digests(folder, name), _BUILTIN_WORDS)
    failed = [c for c in checks if c.state == "fail"]
    if failed:
        result.checks.extend(failed)
    else:
        result.add(what, True, f"{len(checks)} files match this govern's built-in pack")


def _pack_folder(pack: PolicyDigest) -> str | None:
    """The folder the pack's files are named under (`builtin:NAME` or a path), from pack.yaml."""
    from govern.policy.loader import PACK_FILE

    for item in pack.files:
        folder, _, name = item.path.rpartition("/")
        if name == PACK_FILE and folder:
            return folder
    return None


def _pack_version(folder: Path) -> str | None:
    from govern.errors import InputError
    from govern.load.documents import load_document
    from govern.load.validation import load_validate
    from govern.policy.loader import PACK_FILE
    from govern.policy.model import PackInfo

    if not (folder / PACK_FILE).is_file():
        return None
    try:
        return load_validate(PackInfo, load_document(folder / PACK_FILE, PACK_FILE)).version
    except InputError:
        return None


def _pack_digests(folder: Path, display: str) -> dict[str, str]:
    """The sha256 of every file the loader reads in a pack folder, by the name the report uses.

    These are the files `govern.policy.loader.load_pack` reads: pack.yaml and its rule files.
    """
    from govern.load.containment import file_kind
    from govern.policy.loader import PACK_FILE, rule_files

    if not folder.is_dir():
        return {}
    digests = {}
    for path in [folder / PACK_FILE, *rule_files(folder)]:
        if file_kind(path) != "file":
            continue  # never open a FIFO or device: it would block or never end
        try:
            digests[f"{display}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return digests


@dataclass(frozen=True)
class _PackWords:
    """How a pack file that differs is described: against the system folder or a built-in pack."""

    missing: str
    changed: str
    added: str


def _folder_words(root: Path) -> _PackWords:
    return _PackWords(
        missing=f"missing in {root}",
        changed="changed since the report",
        added="added since the report (govern loads every YAML file in a pack's folder)",
    )


_BUILTIN_WORDS = _PackWords(
    missing="not in this govern's built-in pack of the same version",
    changed="differs from this govern's built-in pack of the same version",
    added="in this govern's built-in pack of the same version, not in the report",
)


def _compare_pack(pack: PolicyDigest, actual: dict[str, str], words: _PackWords) -> list[Check]:
    """One check per pack file the report records, and a failure for each file it does not."""
    checks = []
    for item in pack.files:
        digest = actual.get(item.path)
        what = f"policy {item.path}"
        if digest is None:
            checks.append(Check(what, "fail", words.missing))
        elif digest == item.sha256:
            checks.append(Check(what, "ok", f"sha256 {digest}"))
        else:
            detail = f"{words.changed} (sha256 {digest}, report says {item.sha256})"
            checks.append(Check(what, "fail", detail))
    recorded = {item.path for item in pack.files}
    for name in sorted(actual.keys() - recorded):
        checks.append(Check(f"policy {name}", "fail", words.added))
    return checks
