"""The `govern` command: options in, stage calls, exit codes out. Errors are caught here, once."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from govern import __version__
from govern.errors import GovernError

# Commands are imported only when run, so `govern check` never pays for fairness or PDF imports.
LAZY_COMMANDS: dict[str, str] = {
    "check": "govern.cli.check:command",
    "classify": "govern.cli.classify:command",
    "schema": "govern.cli.schema:command",
    "policies": "govern.cli.policies:group",
    "fairness": "govern.cli.fairness:command",
    "waivers": "govern.cli.waivers:group",
    "ledger": "govern.cli.ledger:group",
    "history": "govern.cli.history:command",
    "diff": "govern.cli.diff:command",
    "report": "govern.cli.report:command",
    "verify": "govern.cli.verify:command",
    "serve": "govern.cli.serve:command",
    "keys": "govern.cli.keys:group",
    "attest": "govern.cli.attest:group",
    "card": "govern.cli.card:group",
    "dataset": "govern.cli.dataset:group",
    "evals": "govern.cli.evals:group",
    "init": "govern.cli.init:command",
    "docs": "govern.cli.docs:group",
}


class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.startswith("govern"):
                    return None  # a command whose module is not part of this build
                raise
            command: click.Command = getattr(module, attr)
            _show_envvars(command)
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Name the closest commands when a command is mistyped, as `git` does."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib  # only for a mistyped command

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.7)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"no such command {name!r}{hint}")
        return super().resolve_command(ctx, args)


def _show_envvars(command: click.Command) -> None:
    """List each option's environment variable in --help, so CI authors can find them."""
    for param in command.params:
        if isinstance(param, click.Option) and param.envvar:
            param.show_envvar = True
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _show_envvars(sub)


@click.group(
    cls=LazyGroup, lazy=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="govern")
@click.option(
    "--debug",
    is_flag=True,
    envvar="GOVERN_DEBUG",
    help="Show a Python traceback on errors, and the warnings and log lines of libraries "
    "(for bug reports).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Audit an AI system against the EU AI Act, ISO/IEC 42001 and the NIST AI RMF.

    Exit codes: 0 success, 1 a blocking control fails, 2 bad input or usage.
    """
    ctx.obj = {"debug": debug}


def _library_output(debug: bool) -> None:
    """Show dependencies' warnings and log records only with --debug.

    govern says itself everything a user must act on; a CryptographyDeprecationWarning from
    pyHanko or a fontTools log line reads like a problem with the user's files, and CI logs
    fill with it. Libraries log to their own loggers, which reach the root logger: without a
    handler there, Python's last-resort handler would print them (tracebacks included).
    Handlers a command attaches to a library's logger (the PDF renderer's) still get records.
    """
    import logging
    import warnings

    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(previous)  # main() runs more than once in one process in tests
    handler: logging.Handler
    if debug:
        warnings.simplefilter("default")
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(levelname)s: %(message)s"))
    else:
        warnings.simplefilter("ignore")
        handler = logging.NullHandler()
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)


_HANDLER_NAME = "govern-cli"
_TRUE = ("1", "true", "t", "yes", "y", "on")  # what click accepts for the --debug flag's envvar


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and turn every failure into a message and an exit code."""
    from govern.__main__ import quiet_pydantic

    quiet_pydantic()  # also when called as a library function (tests, scripts)
    args = argv if argv is not None else sys.argv[1:]
    debug = "--debug" in args or os.environ.get("GOVERN_DEBUG", "").lower() in _TRUE
    _library_output(debug)
    try:
        code = cli.main(args=argv, prog_name="govern", standalone_mode=False)
    except GovernError as exc:
        if debug:
            raise
        for line in exc.diagnostics():
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:
        # Bare `govern` (or a bare group such as `govern card`): the help, not an error line.
        click.echo(exc.ctx.get_help() if exc.ctx is not None else cli.get_help(click.Context(cli)))
        sys.exit(0)
    except click.UsageError as exc:
        # One line, like every other error; the command's --help is where the full usage lives.
        where = exc.ctx.command_path if exc.ctx is not None else "govern"
        click.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # an internal bug: one honest line, never a traceback
        if debug:
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for a traceback and please report it)",
            err=True,
        )
        sys.exit(3)
    sys.exit(code if isinstance(code, int) else 0)
