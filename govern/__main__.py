"""The `govern` command's entry point (and `python -m govern`): what must happen before imports.

`govern --version` is answered here, before click or pydantic is imported, and pydantic's plugin
discovery (a scan of every installed distribution's metadata) is turned off unless the user set
PYDANTIC_DISABLE_PLUGINS: govern uses no pydantic plugin, and every command paid for the scan.
"""

from __future__ import annotations

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
    from govern.cli import main as cli_main

    cli_main()


def quiet_pydantic() -> None:
    """No pydantic plugin discovery, unless the user asked for plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


if __name__ == "__main__":
    main()
