"""Alembic scripts for the ledger schema, shipped in the package and run by govern.store.migrate."""
