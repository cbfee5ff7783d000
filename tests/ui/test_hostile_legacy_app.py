"""A legacy .doc opened in the app: a question, then a converted copy beside it opens in Word."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.soffice
def test_doc_is_converted_to_a_copy_after_asking(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    shutil.copy(ROOT / "examples" / "memo.docx", tmp_path / "memo.docx")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path / "in"), str(tmp_path / "memo.docx")],
                   capture_output=True, timeout=240, check=False)
    doc = tmp_path / "in" / "memo.doc"
    before = hashlib.sha256(doc.read_bytes()).hexdigest()
    assert window.open_path(doc)
    box = window.legacy_dialog
    assert isinstance(box, QMessageBox) and box.isVisible() and "memo.doc" in box.text()
    box.done(QMessageBox.StandardButton.Yes)
    converted = tmp_path / "in" / "memo.converted.docx"
    qtbot.waitUntil(lambda: window.current_key() == "word" and converted.is_file(), timeout=120000)
    qtbot.waitUntil(lambda: not window.workspaces["word"].is_busy(), timeout=60000)
    assert hashlib.sha256(doc.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["memo.converted.docx", "memo.doc"]


def test_without_libreoffice_a_banner_names_the_fix(window: MainWindow, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from copilot.documents import legacy

    monkeypatch.setattr(legacy, "soffice", lambda: None)
    deck = tmp_path / "old.ppt"
    deck.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert not window.open_path(deck)
    text = window.banner.text()
    assert "old.ppt" in text and "LibreOffice" in text and "\n" not in text


def test_a_doc_chosen_as_the_decks_source_becomes_a_converted_copy(window: MainWindow, qtbot: QtBot, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """PowerPoint's Word-document source takes a .doc too: after asking, the converted copy (not
    the original, and not the Word workspace) becomes the source."""
    from PySide6.QtWidgets import QMessageBox

    from copilot.documents import legacy

    doc = tmp_path / "brief.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    converted = tmp_path / "brief.converted.docx"
    monkeypatch.setattr(legacy, "soffice", lambda: "/usr/bin/soffice")  # the conversion itself is tested above

    def convert_beside(path: Path) -> Path:
        assert path == doc
        shutil.copy(ROOT / "examples" / "memo.docx", converted)
        return converted

    monkeypatch.setattr(legacy, "convert_beside", convert_beside)
    window.show_workspace("powerpoint")
    deck = window.workspaces["powerpoint"]
    deck.set_source_docx(doc)
    box = window.legacy_dialog
    assert isinstance(box, QMessageBox) and box.isVisible() and "brief.doc" in box.text()
    assert deck.source_docx is None
    box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: deck.source_docx == converted, timeout=20000)
    assert window.current_key() == "powerpoint" and deck.source_tabs.currentIndex() == 2
    assert str(converted) in deck.docx_label.text()
