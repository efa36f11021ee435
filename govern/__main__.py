"""The `govern` command's entry point (and `python -m govern`): what must happen before imports.

`govern --version` is answered here, before click or pydantic is imported, and pydantic's plugin
discovery (a scan of every installed distribution's metadata) is turned off unless the user set
PYDANTIC_DISABLE_PLUGINS: govern uses no pydantic plugin, and every command paid for the scan
(and, while plugins are off, pydantic's plugin loader module is not even imported).
Garbage collections are made rarer: start-up builds hundreds of thousands of long-lived objects
(pydantic schemas, packs, evidence) and almost no garbage cycles, yet with Python's defaults it
spent ~15% of `govern check`'s CPU time rescanning them. Collections still run, only less
often, so a long-running command (`serve`) keeps its memory bounded.
"""

from __future__ import annotations

import gc
import os
import sys
import types

# Not `typing.TYPE_CHECKING`: importing typing is what `govern --version` must not pay for.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def main() -> None:
    """Run the CLI (govern.cli.main) after the start-up shortcuts."""
    if sys.argv[1:] == ["--version"]:
        from govern import __version__

        # The same line click's version option prints.
        sys.stdout.write(f"govern, version {__version__}\n")
        sys.exit(0)
    as_command()
    from govern.cli import main as cli_main

    cli_main()


def as_command() -> None:
    """The process settings of the govern command; a library caller's process keeps its own."""
    import govern

    # On the package, not here: run as `python -m govern`, this module is `__main__`, and
    # `govern.__main__` imported later would be a second copy.
    govern.command_process = True
    quiet_pydantic()
    skip_plugin_loader()
    fewer_collections()


def running_as_command() -> bool:
    """Whether process-wide tuning (see govern.cli.portfolio_run) is govern's to do here."""
    import govern

    return govern.command_process


def fewer_collections() -> None:
    """A young collection every 200,000 net allocations instead of 700, and a full one every
    1,000 of the middle generation's instead of 10 (see above)."""
    gc.set_threshold(200_000, 30, 1000)


def quiet_pydantic() -> None:
    """No pydantic plugin discovery, unless the user asked for plugins."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


_PLUGIN_LOADER = "pydantic.plugin._loader"
_ALL_PLUGINS_OFF = ("__all__", "1", "true")  # the values pydantic's loader reads as "none"


def skip_plugin_loader() -> None:
    """With every plugin disabled, stand in for pydantic's plugin loader module.

    Even when told that no plugin may load, pydantic imports its loader to ask, and the loader
    imports importlib.metadata (with email, socket, zipfile, csv...): a tenth of what importing
    pydantic, click and PyYAML costs, on every command. The stand-in answers "no plugins" as
    the loader would, and hands over to the real loader if the setting changes later on.
    """
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in _ALL_PLUGINS_OFF:
        return
    if _PLUGIN_LOADER in sys.modules:
        return
    stand_in = types.ModuleType(_PLUGIN_LOADER, skip_plugin_loader.__doc__)
    stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[_PLUGIN_LOADER] = stand_in


def _no_plugins() -> Iterable[Any]:
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _ALL_PLUGINS_OFF:
        return ()
    del sys.modules[_PLUGIN_LOADER]
    import importlib

    real: Any = importlib.import_module(_PLUGIN_LOADER)
    plugins: Iterable[Any] = real.get_plugins()
    return plugins


if __name__ == "__main__":
    main()
