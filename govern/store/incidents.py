"""Open serious incidents as the ledger last recorded them, for `govern history`.

They are read from the newest run's assessment document (which carries the incident summaries and
is hash-covered), so history shows what was checked, not what the evidence says today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govern.engine.incidents import OpenIncidents

if TYPE_CHECKING:
    from govern.store.ledger import Ledger


def open_incidents(ledger: Ledger, system_id: str) -> OpenIncidents:
    run_id = ledger.resolve("latest", system_id)
    assessment = ledger.snapshot(run_id).assessment
    found = tuple(incident for incident in assessment.incidents if incident.open)
    return OpenIncidents(run_id, assessment.options.as_of, found)
