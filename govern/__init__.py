"""govern: audit AI systems against the EU AI Act, ISO/IEC 42001 and the NIST AI RMF."""

__version__ = "0.1.0"

# Set by govern.__main__.as_command: this process is the govern command (or one of its workers),
# so process-wide tuning is govern's to do; a library caller's process keeps its own.
command_process = False
