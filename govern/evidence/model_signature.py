"""What checking a model's OpenSSF model-signing signature found, for the engine and outputs."""

from __future__ import annotations

from typing import Literal

from govern.evidence.base import Record

# verified: the signature verifies with the named key or certificate chain and the weights on
# disk hash to what it signs. failed: it does not (altered weights, another key, a broken
# bundle, a digest other than the one govern.yaml expects). missing: no signature is named or
# the file is absent. unavailable: the model-signing library is not installed, so nothing was
# checked.
SignatureStatus = Literal["verified", "failed", "missing", "unavailable"]


class ModelSignature(Record):
    """The model's signature check: its status and, when verified, the digest it covers."""

    status: SignatureStatus
    path: str | None = None
    signature: str | None = None
    method: Literal["key", "certificate"] | None = None
    # model-signing's model digest (the sha256 its in-toto subject names), only when verified.
    name: str | None = None
    digest: str | None = None
    problem: str | None = None
