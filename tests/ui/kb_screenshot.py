"""Screenshot of the Knowledge workspace with an answer and its citations:
``python -m tests.ui.kb_screenshot OUT_DIR`` (needs a real X display; the test starts Xvfb).
Indexes the labelled knowledge-base corpus in a temporary home; the fake server answers."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(out_dir: str) -> int:
    os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="desk-copilot-kb-shot-")
    sys.path.insert(0, str(ROOT))
    import keyring

    import ui.qtcompat
    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication

    app = QApplication(["desk-copilot"])
    from copilot.settings import load_settings, save_settings
    from tests.conftest import add_fake_profile
    from tests.fake_openai_server import FakeOpenAIServer
    from tests.kb_eval import CORPUS
    from tests.ui.screenshots import _wait

    lang = os.environ.get("SHOT_LANG", "zh_CN")
    with FakeOpenAIServer(models=["fake-model"]) as server:
        name = add_fake_profile(server)
        settings = load_settings()
        settings.default_profile = name
        settings.language = lang
        save_settings(settings)
        import ui.app

        ui.app._PLUGIN_MODULES = ()
        desk = ui.app.build_app(app)
        window = desk.show_main_window()
        window.resize(1280, 800)
        ws = window.show_workspace("knowledge")
        ws.add_paths([CORPUS / "files"])
        _wait(app, lambda: ws.sources.rowCount() >= 30 and not ws.is_busy(), 120)
        server.set_default("上海属于一线城市，出差住宿每晚不超过600元[1]；部门总监及以上级别上浮30%[1]。"
                           "报销须在出差结束后10个工作日内提交[2]。超出部分可以申请特批。")
        ws.ask("去上海出差，每晚住宿最多能报多少？")
        _wait(app, lambda: ws.answer is not None and not ws.is_busy(), 60)
        _wait(app, lambda: False, 0.5)
        pixmap = window.screen().grabWindow(window.winId()) if window.screen() else window.grab()
        if pixmap.isNull():
            pixmap = window.grab()
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        pixmap.save(str(out / "knowledge.png"))
        sys.stdout.write(f"saved {out / 'knowledge.png'}\n")
        window.close()
        desk.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "screenshots")))
