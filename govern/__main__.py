"""The `govern` command's entry point (and `python -m govern`): what must happen before imports.

`govern --version` is answered here, before click or pydantic is imported, and pydantic's plugin
discovery (a scan of every installed distribution's metadata) is turned off unless the user set
PYDANTIC_DISABLE_PLUGINS: govern uses no pydantic plugin, and every command paid for the scan.
Garbage collections are made rarer: start-up builds hundreds of thousands of long-lived objects
(pydantic schemas, packs, evidence) and almost no garbage cycles, yet with Python's defaults it
spent ~15% of `govern check`'s CPU time rescanning them. Collections still run, only less
often, so a long-running command (`serve`) keeps its memory bounded.
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
    fewer_collections()
    from govern.cli import main as cli_main

    cli_main()


def fewer_collections() -> None:
    """A young collection every 200,000 net allocations instead of 700, and a full one every
    1,000 of the middle generation's instead of 10 (see above)."""
    gc.set_threshold(200_000, 30, 1000)


def quiet_pydantic() -> None:
    """No pydantic plugin discovery, unless the user asked for plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


if __name__ == "__main__":
    main()
