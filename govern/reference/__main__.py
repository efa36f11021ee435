"""`python -m govern.reference` regenerates index.json from the reference YAML files."""

from govern.reference import write_index

write_index()
