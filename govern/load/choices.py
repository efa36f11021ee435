"""Closed vocabularies that CLI options offer as choices.

Kept free of imports so that declaring a command's options never loads the models; the manifest's
`Literal` types spell the same values, and tests/reference/test_fields_table.py keeps the two equal.
"""

from __future__ import annotations

TIERS = ("high", "limited", "minimal")
TRANSPARENCY_TRIGGERS = (
    "interacts_with_persons",
    "synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "public_interest_text",
)
# Art.50 triggers that make a system generative, and so subject to the Art.5(1)(ba)/(bb) screening.
GENERATIVE_TRIGGERS = frozenset({"synthetic_content", "deep_fake"})
PROHIBITED_LETTERS = ("a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h")
