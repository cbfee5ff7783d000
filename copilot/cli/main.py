"""Argument parsing and the one place CLI errors become one line and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from copilot import __version__, incognito
from copilot.cli.common import err, one_line
from copilot.errors import CopilotError, UsageError
from copilot.logsetup import configure_logging, redacted_traceback

__all__ = ["build_parser", "main"]

log = logging.getLogger(__name__)

_PROG = "desk-copilot"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors go through the same path."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # main() prints "desk-copilot: " before every error: name only the subcommand here.
        sub = self.prog.removeprefix(_PROG).strip()
        raise UsageError(f"{sub + ': ' if sub else ''}{message} (see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_PROG,
        description="Desk Copilot — a desktop copilot for office work. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"desk-copilot {__version__}")
    parser.add_argument("--debug", action="store_true", help="log to stderr and show tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from copilot.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"copilot.cli.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    # --incognito: nothing of the run in the history, the log or a cache, error handling included.
    private = contextlib.ExitStack()
    try:
        configure_logging(debug)
        parser = build_parser()
        args = parser.parse_args(args_list)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        private.enter_context(incognito.run(bool(getattr(args, "incognito", False))))
        code = args.func(args)
        return int(code or 0)
    except CopilotError as exc:
        log.info("%s: %s", type(exc).__name__, exc)
        if debug:
            err(redacted_traceback(exc).rstrip("\n"))
        err(f"desk-copilot: {one_line(exc)}")
        return exc.exit_code
    except KeyboardInterrupt:
        err("desk-copilot: cancelled")
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        # A bug, not a user error: keep the traceback in the log, give the user one line.
        log.exception("unexpected error")
        if debug:
            err(redacted_traceback(exc).rstrip("\n"))
            return 1
        err(f"desk-copilot: internal error ({type(exc).__name__}: {one_line(CopilotError(str(exc)))[:200]}) — "
            f"details in the log; rerun with --debug to see the traceback")
        return 1
    finally:
        private.close()


if __name__ == "__main__":
    sys.exit(main())
