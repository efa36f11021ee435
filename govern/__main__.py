"""The `govern` command's entry point (and `python -m govern`): what must happen before imports.

`govern --version` is answered here, before click or pydantic is imported, and pydantic's plugin
discovery (a scan of every installed distribution's metadata) is turned off unless the user set
PYDANTIC_DISABLE_PLUGINS: govern uses no pydantic plugin, and every command paid for the scan.
Full (oldest-generation) garbage collections are made rarer: start-up builds thousands of
long-lived objects (pydantic schemas, packs), and rescanning them all cost `govern check` ~10%
of its CPU time; young cycles are still collected as usual.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    """Run the CLI (govern.cli.main) after the start-up shortcuts."""
    if sys.argv[1:] == ["--version"]:
        from govern import __version__

        # The same line click's version option prints.
        sys.stdout.write(f"govern, version {__version__}\n")
        sys.exit(0)
    quiet_pydantic()
    fewer_full_collections()
    from govern.cli import main as cli_main

    cli_main()


def fewer_full_collections() -> None:
    """A full collection every 1,000 of the middle generation's, not every 10 (see above)."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 1000)


def quiet_pydantic() -> None:
    """No pydantic plugin discovery, unless the user asked for plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


if __name__ == "__main__":
    main()
