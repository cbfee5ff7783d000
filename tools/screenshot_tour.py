"""Screenshot tour: every workspace at 1024 × 700 in English and Simplified Chinese, as PNGs for a
person to look at (not a pixel comparison). Also prints what the layout check finds clipped.

    python tools/screenshot_tour.py [OUT_DIR]      (default: docs/screenshots/tour)

Starts its own Xvfb (``-displayfd``) unless DISPLAY is set, uses a temporary home and the fake
OpenAI server: a Word memo polished, the 600-row sales workbook asked 哪个区域销售额最高？ with a
narration that names the wrong region (so the refuted claim shows), a deck, a code snippet, a
prompt template. Writes ``<workspace>-<lang>.png``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1024, 700)
LANGS = ("en", "zh_CN")


def _xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    from tools.xvfb import start_xvfb

    proc, os.environ["DISPLAY"] = start_xvfb()
    return proc


def _script_models(server: object, view: str) -> None:
    sql = f'SELECT "区域", SUM("销售额") AS "总额" FROM "{view}" GROUP BY 1 ORDER BY "总额" DESC'
    swaps = {"请": "敬请", "尽快": "尽早", "please": "kindly", "draft": "revised draft"}

    def reply(req: dict[str, object]) -> object:
        messages = req["messages"]  # type: ignore[index]
        system = str(messages[0]["content"])  # type: ignore[index]
        if "DuckDB" in system:
            return {"sql": sql, "note": ""}
        if "查询结果" in system or "query result" in system:
            user = str(messages[-1]["content"])  # type: ignore[index]
            if user.startswith("问题："):
                return "华南区域的销售额最高，其次是华东，为 2,403,821.89 元。"
            return "华南 had the highest sales, followed by 华东 at 2,403,821.89."
        from tests.test_polish_fakes import model

        def rewrite(text: str) -> str:
            for a, b in swaps.items():
                text = text.replace(a, b)
            return text

        return model(rewrite)(req)  # type: ignore[no-any-return, operator]

    server.set_default(reply)  # type: ignore[attr-defined]


def main(out_dir: str) -> int:
    sys.path.insert(0, str(ROOT))
    xvfb = _xvfb()
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="desk-copilot-tour-")
    try:
        return _tour(Path(out_dir))
    finally:
        if xvfb is not None:
            from tools.xvfb import stop_xvfb

            stop_xvfb(xvfb)


def _tour(out: Path) -> int:
    import keyring

    import ui.qtcompat  # the app's Qt set-up
    from tests.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(["desk-copilot"])
    from copilot.settings import load_settings, save_settings
    from examples.make_sales_workbook import make as make_sales
    from tests.conftest import add_fake_profile
    from tests.fake_openai_server import FakeOpenAIServer
    from tests.ui.screenshots import _review_deck, _wait
    from ui.layout_check import clipped_widgets
    from ui.main_window import WORKSPACES

    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="tour-"))
    memo = work / "memo.docx"
    shutil.copy(ROOT / "examples" / "memo.docx", memo)
    sales = make_sales(work / "sales.xlsx")
    deck = _review_deck(work / "q3-review.pptx")
    problems: list[str] = []
    with FakeOpenAIServer(models=["fake-model"]) as server:
        name = add_fake_profile(server)
        settings = load_settings()
        settings.default_profile = name
        settings.language = "en"
        save_settings(settings)
        import ui.app

        ui.app._PLUGIN_MODULES = ()
        desk = ui.app.build_app(app)
        window = desk.show_main_window()
        window.resize(*SIZE)
        _wait(app, lambda: False, 0.3)

        window.open_path(memo)
        word = window.workspaces["word"]
        _wait(app, lambda: bool(word.paragraphs) and not word.is_busy())
        window.open_path(sales)
        excel = window.workspaces["excel"]
        _wait(app, lambda: excel.db is not None and not excel.is_busy())
        if excel.db is None:
            sys.stdout.write("the sales workbook did not open: the Excel shots show the error\n")
        _script_models(server, excel.db.tables[0].view if excel.db is not None else "销售明细")
        word.run()
        _wait(app, lambda: word.result is not None and not word.is_busy(), 120)
        word.show_combo.setCurrentIndex(0)  # every paragraph: the placeholders' markers show
        marked = next((i for i, r in enumerate(word.model.rows) if "⟦" in r.para.text), 0)
        word.table.setCurrentIndex(word.proxy.mapFromSource(word.model.index(marked, 1)))
        window.open_path(deck)
        ppt = window.workspaces["powerpoint"]
        _wait(app, lambda: not ppt.is_busy(), 30)
        for lang in LANGS:
            window.set_language(lang)
            excel.question_edit.setText("哪个区域销售额最高？" if lang == "zh_CN" else "Which region sold the most?")
            window.show_workspace("excel")
            if excel.db is not None:
                excel.run()
                _wait(app, lambda: excel.last_answer is not None and not excel.is_busy(), 60)
            for key, _, _ in WORKSPACES:
                if window.show_workspace(key) is None:
                    continue
                window.resize(*SIZE)
                if key == "word":
                    word.show_combo.setCurrentIndex(0)  # every paragraph: the placeholders' markers show
                    word.table.setCurrentIndex(word.proxy.mapFromSource(word.model.index(marked, 1)))
                _wait(app, lambda: False, 0.4)
                pixmap = window.grab()
                path = out / f"{key}-{lang}.png"
                pixmap.save(str(path))
                problems += [f"{lang}/{key}: {p}" for p in clipped_widgets(window)]
                ws = window.workspaces[key]
                if window.width() > SIZE[0]:
                    widest = sorted(((w.minimumSizeHint().width(), type(w).__name__, w.objectName())
                                     for w in ws.findChildren(QWidget) if w.isVisible()), reverse=True)[:3]
                    problems.append(f"{lang}/{key}: the window is {window.width()} px wide (page needs "
                                    f"{ws.minimumSizeHint().width()}); widest: {widest}")
                sys.stdout.write(f"saved {path} ({pixmap.width()} × {pixmap.height()})\n")
            excel.last_answer = None
        window.set_language("en")
        window.close()
        desk.shutdown()
    for line in problems:
        sys.stdout.write(f"clipped: {line}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "screenshots" / "tour")))
