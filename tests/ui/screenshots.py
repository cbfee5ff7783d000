"""Take a screenshot of each workspace with realistic content: ``python -m tests.ui.screenshots OUT_DIR``.

Needs a real X display (the test starts Xvfb). Uses a temporary home, the fake OpenAI server and
files from the shared corpus / generated on the fly, so nothing of the user's is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _wait(app: object, until: object, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        if until():  # type: ignore[operator]
            return
        time.sleep(0.02)


def _sales_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Region", "Month", "Product", "Units", "Revenue"])
    regions = ["East", "West", "North", "South"]
    products = ["Basic", "Plus", "Pro"]
    for i in range(120):
        month = f"2025-{(i % 12) + 1:02d}"
        units = 20 + (i * 37) % 90
        ws.append([regions[i % 4], month, products[i % 3], units, units * (49 + 30 * (i % 3))])
    wb.save(path)
    return path


def _review_deck(path: Path) -> Path:
    from pptx import Presentation

    prs = Presentation()
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "Q3 Customer-Service Review"
    title.placeholders[1].text = "Management briefing"
    for heading, bullets in (
        ("Highlights", ["Backlog down to 40 tickets", "First-response time 2.1 h (−35%)", "CSAT 4.6 / 5"]),
        ("What changed", ["New triage rota", "Self-service answers for top 20 questions", "Weekly quality review"]),
        ("Next quarter", ["Extend chat hours", "Pilot callback scheduling", "Hire two seasonal agents"]),
    ):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = heading
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for line in bullets[1:]:
            body.add_paragraph().text = line
    prs.save(str(path))
    return path


def main(out_dir: str) -> int:
    os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="desk-copilot-shots-")
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
    from tests.test_polish_fakes import model
    from tests.ui.conftest import make_docx

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="shots-"))
    with FakeOpenAIServer(models=["fake-model"]) as server:
        name = add_fake_profile(server)
        settings = load_settings()
        settings.default_profile = name
        settings.language = os.environ.get("SHOT_LANG", "en")
        save_settings(settings)
        import ui.app

        ui.app._PLUGIN_MODULES = ()
        desk = ui.app.build_app(app)
        window = desk.show_main_window()
        window.resize(1280, 800)

        # Word: a short memo polished by a "model" that rewrites a few words; one guard rejection.
        swaps = {"please": "kindly", "draft": "revised draft", "ASAP": "as soon as possible", "good": "excellent"}

        def rewrite(text: str) -> str:
            for a, b in swaps.items():
                text = text.replace(a, b)
            return text.replace("2024", "2025")

        server.set_default(model(rewrite))
        memo = make_docx(work / "quarterly-memo.docx", [
            "Team, please review the draft of the Q3 report before Friday.",
            "Sales grew 12% in 2024 compared with the previous year.",
            "The customer-service backlog is down to 40 tickets, a good result.",
            "Send your comments ASAP so we can finalise the slides.",
            "Thanks to everyone for the good work this quarter.",
        ])
        window.open_path(memo)
        word = window.workspaces["word"]
        _wait(app, lambda: len(word.paragraphs) == 5 and word.template_combo.count() > 0)
        word.run()
        _wait(app, lambda: word.result is not None and not word.is_busy())
        word.show_combo.setCurrentIndex(0)
        word.table.selectRow(0)

        # Excel and PowerPoint (their helper's workspaces): small realistic files made here.
        xlsx = _sales_workbook(work / "regional-sales.xlsx")
        if xlsx is not None:
            window.open_path(xlsx)
            excel = window.workspaces.get("excel")
            _wait(app, lambda: excel is not None and not excel.is_busy(), 30)
        pptx = _review_deck(work / "q3-review.pptx")
        if pptx is not None:
            window.open_path(pptx)
            ppt = window.workspaces.get("powerpoint")
            _wait(app, lambda: ppt is not None and not ppt.is_busy(), 30)

        # Code: a streamed Python snippet.
        server.set_default("```python\nimport csv\nfrom statistics import mean\n\n\ndef average_price(path):\n"
                           "    \"\"\"Average of the 'price' column of a CSV file.\"\"\"\n"
                           "    with open(path, newline='', encoding='utf-8') as f:\n"
                           "        return mean(float(row['price']) for row in csv.DictReader(f))\n"
                           "\n\nif __name__ == '__main__':\n    print(average_price('sales.csv'))\n```\n\n"
                           "Reads the file with csv.DictReader and averages the price column.")
        code = window.show_workspace("code")
        code.task_edit.setPlainText("Read a CSV file and print the average of the price column")
        code.explain_check.setChecked(True)
        code.run()
        _wait(app, lambda: code.result is not None and not code.is_busy())

        # Prompts: a template with its rendered preview.
        prompts = window.show_workspace("prompts")
        _wait(app, lambda: prompts.list.count() > 0)
        prompts.select_template("polish.formal")
        for key in prompts._input_widgets:
            prompts.set_input(key, '[{"id": "1", "text": "hey team, the meeting moved to 3pm"}]'
                              if key == "paragraphs" else "hey team, the meeting moved to 3pm")
        prompts.tabs.setCurrentIndex(2)

        for key in ("word", "excel", "powerpoint", "code", "prompts"):
            if window.show_workspace(key) is None and key not in window.workspaces:
                continue
            _wait(app, lambda: False, 0.4)
            pixmap = window.screen().grabWindow(window.winId()) if window.screen() else window.grab()
            if pixmap.isNull():
                pixmap = window.grab()
            pixmap.save(str(out / f"{key}.png"))
            sys.stdout.write(f"saved {out / f'{key}.png'}\n")
        window.close()
        desk.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "screenshots")))
