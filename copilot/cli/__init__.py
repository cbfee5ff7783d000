"""The ``desk-copilot`` command line. ``main(argv)`` returns the exit code."""

from copilot.cli.main import main

__all__ = ["main"]
