"""Keys, DSSE envelopes, in-toto statements, PAdES signatures and verification of signed reports."""
