"""Entry point of ``desk-copilot``: the app with no command (or ``app``), otherwise the CLI.

Lives in ``ui`` because the core never imports the UI; this module itself imports no Qt until
the app is asked for, so CLI commands start fast and work where Qt cannot load.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["gui_main", "main"]

_APP_COMMANDS = {"app", "quick"}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--desk-copilot-child"]:  # copilot.child.CHILD_FLAG: the frozen app's workers
        from copilot.child import child_main

        return child_main()
    if not args or args[0] in _APP_COMMANDS:
        return _run_app(args)
    from copilot.cli import main as cli_main

    return cli_main(args)


def _run_app(args: list[str]) -> int:
    try:
        from ui.app import run_app
    except ImportError as exc:
        sys.stderr.write(f"desk-copilot: the desktop app is not available ({exc.name or exc}); "
                         "install PySide6-Essentials, or use the commands (desk-copilot --help)\n")
        return 1
    return run_app(args)


def gui_main() -> int:
    return main(sys.argv[1:] or [])


if __name__ == "__main__":
    sys.exit(main())
