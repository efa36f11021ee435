"""Where CI outputs point: repository paths and the locations each reported result is shown at."""

from __future__ import annotations

import posixpath

from govern.engine.assessment import Assessment, Finding, Location, RuleResult

# The statuses CI outputs report as results. Passing and not-applicable rules are left out, as
# code-scanning tools do: an alert or annotation for every rule that holds would bury the ones
# that need work.
REPORTED_STATUSES = ("fail", "error", "insufficient_evidence", "needs_attestation", "waived")


def repo_path(file: str, base_path: str = "") -> str:
    """A location's file as a path under the repository root.

    Assessment paths are relative to govern.yaml; CI tools want them relative to the repository,
    so `base_path` is the folder of govern.yaml inside the repository ("" at its root).
    """
    if not base_path or posixpath.isabs(file):
        return file
    return posixpath.normpath(posixpath.join(base_path, file))


def anchor(assessment: Assessment, result: RuleResult) -> Location:
    """Where a result without findings is shown: its waiver's line, else govern.yaml's first line.

    Code-scanning tools drop a result that has no location, so every result needs one, and the
    manifest is the one file every system has.
    """
    line = result.waiver.manifest_line if result.waiver is not None else 1
    return Location(
        file=assessment.manifest.path,
        line=max(line, 1),
        column=1,
        field="",
        sha256=assessment.manifest.sha256,
    )


def located_findings(
    assessment: Assessment, result: RuleResult
) -> list[tuple[Location, Finding | None]]:
    """Each finding of a result with its location, or the result's anchor when it has none."""
    if result.findings:
        return [(f.location, f) for f in result.findings]
    return [(anchor(assessment, result), None)]


def line_of(location: Location) -> int:
    """A 1-based line: every CI format rejects or misplaces line 0."""
    return max(location.line, 1)


def column_of(location: Location) -> int:
    """A 1-based column, for the same reason."""
    return max(location.column, 1)
