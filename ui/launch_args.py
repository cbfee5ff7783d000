"""The app's command line (``desk-copilot [app FILE...] | quick [--template ID]``) and the
single-instance messages a launch sends to a running app (see ``ui.app``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

__all__ = ["Message", "launch_messages", "parse_args"]

Message = dict[str, Any]


def parse_args(args: Sequence[str]) -> argparse.Namespace:
    import argparse  # here: a plain launch has no arguments, and argparse + gettext cost ~5 ms

    if not args:
        return argparse.Namespace(command="app", files=[])
    parser = argparse.ArgumentParser(prog="desk-copilot", add_help=True)
    sub = parser.add_subparsers(dest="command")
    app = sub.add_parser("app", help="open the desktop app (optionally with files)")
    app.add_argument("files", nargs="*")
    quick = sub.add_parser("quick", help="a quick action on the selected text")
    quick.add_argument("--template", default=None)
    ns = parser.parse_args(list(args))
    if ns.command is None:
        ns.command, ns.files = "app", []
    return ns


def launch_messages(ns: argparse.Namespace) -> list[Message]:
    if ns.command == "quick":
        return [{"cmd": "quick", "template": ns.template}]
    files = [str(Path(f).expanduser().resolve()) for f in ns.files]
    return [{"cmd": "open", "files": files}] if files else [{"cmd": "show"}]
