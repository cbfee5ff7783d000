"""Screenshot of the model chooser: ``python -m tests.ui.chooser_screenshot OUT.png``.

Needs a real X display (the test starts Xvfb). A temporary home, a fake Ollama found by
detection, and a download from the fake hub paused at about 40 %, so the picture shows every part.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tests.ui.screenshots import _wait


def main(out: Path) -> int:
    os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="chooser-shot-")
    from PySide6.QtWidgets import QApplication

    from copilot.models.download import models_dir
    from copilot.settings import load_settings, save_settings
    from tests.fake_hub import smollm2_gguf
    from tests.fake_local_servers import FakeLocalServer, ollama_routes

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with FakeLocalServer(ollama_routes(["qwen2.5:7b", "nomic-embed-text:latest"])) as ollama:
        settings = load_settings()
        settings.language = os.environ.get("SHOT_LANG", "en")
        settings.extra["models"] = {"detect_ports": [ollama.port]}
        save_settings(settings)
        # A paused download: the partial file and its state, as a Pause leaves them.
        folder = models_dir() / "qwen2.5-1.5b-instruct"
        folder.mkdir(parents=True)
        data = smollm2_gguf().read_bytes()
        (folder / "qwen2.5-1.5b-instruct-q4_k_m.gguf.part").write_bytes(data[: len(data) * 4 // 10])
        import ui.app

        ui.app._PLUGIN_MODULES = ()  # type: ignore[assignment]
        desk = ui.app.build_app(app)  # type: ignore[arg-type]
        window = desk.show_main_window()
        dialog = window.open_model_chooser()
        chooser = dialog.chooser
        _wait(app, lambda: chooser.server_list.count() > 0)
        chooser.key_edit.setText("")
        _wait(app, lambda: False, 0.5)
        pixmap = dialog.screen().grabWindow(dialog.winId()) if dialog.screen() else dialog.grab()
        if pixmap.isNull():
            pixmap = dialog.grab()
        out.parent.mkdir(parents=True, exist_ok=True)
        pixmap.save(str(out))
        dialog.close()
        window.close()
        desk.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
