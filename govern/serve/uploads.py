"""The verify page's work: an uploaded report checked as `govern verify` checks it, then forgotten.

The upload and the key go to a private temporary folder that is deleted before the answer is
sent; nothing about them is kept or recorded.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from govern.errors import GovernError
from govern.sign.verify import Check

# Only the name's last part and a few safe characters survive: the file lands in our folder.
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


@dataclass(frozen=True)
class Outcome:
    """What the page shows: VALID or INVALID with each check, and the verdict only if valid."""

    filename: str
    valid: bool
    signed: bool
    checks: tuple[Check, ...]
    verdict: str | None = None
    system: str | None = None
    signer: str | None = None
    signed_at: str | None = None
    error: str | None = None


def _safe_name(name: str, fallback: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c in _SAFE else "_" for c in base).lstrip(".")[:100]
    return cleaned or fallback


def verify_upload(filename: str, data: bytes, key: bytes) -> Outcome:
    """`govern verify REPORT --key KEY` over the uploaded bytes; nothing outlives the call."""
    from govern.sign.keys import load_public_key
    from govern.sign.verify import verify_report

    name = _safe_name(filename, "report.pdf")
    with tempfile.TemporaryDirectory(prefix="govern-verify-") as folder:
        report, key_file = Path(folder) / name, Path(folder) / "trusted-key.pem"
        report.write_bytes(data)
        key_file.write_bytes(key)
        try:
            result = verify_report(report, load_public_key(key_file))
        except GovernError as exc:
            return Outcome(name, False, False, (), error=str(exc).replace(folder + "/", ""))
    checks = tuple(result.checks)
    predicate = result.predicate
    if not (result.valid and predicate is not None):
        return Outcome(name, False, result.signed, checks)
    system = predicate.system
    return Outcome(
        name,
        True,
        True,
        checks,
        verdict=predicate.verdict,
        system=f"{system.name} {system.version}, as of {predicate.as_of.isoformat()}",
        signer=predicate.signer.keyid,
        signed_at=predicate.signed_at.isoformat(),
    )
