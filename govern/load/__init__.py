"""Reading a system: documents with positions, validation, manifest, importers, evidence bundle."""
