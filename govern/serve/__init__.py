"""The web view over the ledger: `govern serve` (read-only by default)."""
