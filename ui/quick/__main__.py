"""``python -m ui.quick``: the quick action alone (hotkey + window, no main window).

Used by the Xvfb tests and ``benchmarks/hotkey.py``; handy to try the hotkey without the app.
Prints one JSON line when ready (``{"ready": true, "backend": ..., "problems": [...]}``) and one
per state change (``{"state": "shown"}``, ``"result"``, ``"replaced"``, ...). Lines on stdin:
``quick [TEMPLATE]`` triggers the window, ``quit`` exits (so does SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence


def _emit(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.quick", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", help="model profile (default: the quick/default profile)")
    parser.add_argument("--hotkey", help="main hotkey (default: the one in Settings)")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.quick.service import QuickService
    from ui.runner import Runner

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    runner = Runner()
    service = QuickService(runner, profile=args.profile)

    def on_state(state: str) -> None:
        payload: dict[str, object] = {"state": state}
        if state == "shown":
            payload["source"] = service.window.source_text()
        elif state in ("result", "error"):
            payload["result"] = service.window.result_text()
            payload["status"] = service.window.status.text()
        _emit(payload)

    service.sig_state.connect(on_state)
    service.sig_message.connect(lambda message: _emit({"message": message}))
    problems = service.register_hotkeys(args.hotkey)

    commands: list[str] = []
    lock = threading.Lock()

    def read_stdin() -> None:
        for line in sys.stdin:
            with lock:
                commands.append(line.strip())
        with lock:
            commands.append("quit")

    def poll() -> None:
        with lock:
            pending, commands[:] = list(commands), []
        for command in pending:
            word, _, rest = command.partition(" ")
            if word == "quick":
                service.trigger(rest.strip() or None)
            elif word == "quit":
                app.quit()

    threading.Thread(target=read_stdin, name="quick-stdin", daemon=True).start()
    timer = QTimer()
    timer.timeout.connect(poll)  # also lets Python run the SIGTERM handler
    timer.start(50)
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    _emit({"ready": True, "backend": service.backend.backend_name, "problems": problems})
    try:
        return app.exec()
    finally:
        service.close()
        runner.shutdown(2000)


if __name__ == "__main__":
    sys.exit(main())
