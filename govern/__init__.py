"""govern: audit AI systems against the EU AI Act, ISO/IEC 42001 and the NIST AI RMF."""

__version__ = "0.1.0"
