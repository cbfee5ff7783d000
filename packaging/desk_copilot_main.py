"""PyInstaller's entry script for the bundle: the same entry point as the ``desk-copilot`` console script.

Kept as a file (not ``-m ui.launcher``) because PyInstaller analyses a script path.
"""

import multiprocessing
import sys

from ui.launcher import main

if __name__ == "__main__":
    # A frozen program re-executes itself for multiprocessing children; this makes those children
    # run the child code instead of starting another copy of the CLI/app.
    multiprocessing.freeze_support()
    sys.exit(main())
