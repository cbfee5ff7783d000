"""PowerPoint workspace: outline tree model (drag-reorder, edits), generate via the fake server,
open a .pptx, build → re-open with python-pptx, refuse overwrite, cancel mid-job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import history_runs
from tests.fake_openai_server import FakeOpenAIServer
from ui.item_models.outline_tree import NOTES_ROLE, Bullet, OutlineModel, Slide
from ui.runner import Runner
from ui.workspaces.powerpoint import PowerPointWorkspace

OUTLINE = {
    "title": "Q3 review",
    "subtitle": ["Customer service"],
    "slides": [
        {"title": "Agenda", "bullets": [{"text": "Numbers", "level": 0}, {"text": "Plans", "level": 0}]},
        {"title": "Numbers", "bullets": [{"text": "Tickets up", "level": 0}, {"text": "by 12%", "level": 1}],
         "notes": "Mention the new channel."},
        {"title": "Plans", "bullets": [{"text": "Hire two", "level": 0}], "layout": "closing"},
    ],
}


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[Runner]:
    r = Runner()
    yield r
    assert r.shutdown(5000)


@pytest.fixture
def workspace(qtbot: QtBot, runner: Runner) -> PowerPointWorkspace:
    ws = PowerPointWorkspace(runner)
    qtbot.addWidget(ws)
    return ws


def _model() -> OutlineModel:
    model = OutlineModel()
    model.set_outline(OUTLINE)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal, model)
    return model


def _titles(model: OutlineModel) -> list[str]:
    return [s.title for s in model.slides]


def test_drag_reorder_slides_through_mime(qapp: QApplication) -> None:
    model = _model()
    mime = model.mimeData([model.index(2, 0)])
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert _titles(model) == ["Plans", "Agenda", "Numbers"]
    # Dropped onto the root's end.
    assert model.dropMimeData(model.mimeData([model.index(0, 0)]), Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert _titles(model) == ["Agenda", "Numbers", "Plans"]
    # Two slides at once keep their order.
    mime = model.mimeData([model.index(1, 0), model.index(2, 0)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert _titles(model) == ["Numbers", "Plans", "Agenda"]


def test_drag_bullets_within_and_between_slides(qapp: QApplication) -> None:
    model = _model()
    numbers = model.index(1, 0)
    # "by 12%" above "Tickets up" in the same slide.
    mime = model.mimeData([model.index(1, 0, numbers)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, numbers)
    assert [b.text for b in model.slides[1].bullets] == ["by 12%", "Tickets up"]
    # Onto another slide: appended there, level kept.
    mime = model.mimeData([model.index(0, 0, numbers)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, 0, model.index(2, 0))
    assert [(b.text, b.level) for b in model.slides[2].bullets] == [("Hire two", 0), ("by 12%", 1)]
    # Bullets never become slides.
    mime = model.mimeData([model.index(0, 0, model.index(0, 0))])
    assert not model.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())


def test_move_rows_and_edits(qapp: QApplication) -> None:
    model = _model()
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert _titles(model) == ["Numbers", "Plans", "Agenda"]
    slide = model.index(0, 0)
    assert model.setData(slide, "Key numbers")
    assert model.setData(model.index(0, 0, slide), "Tickets up 12%")
    assert model.setData(model.index(1, 1, slide), 9)  # clamped to the deepest level
    assert model.slides[0].bullets[1].level == 4
    assert model.shift_level(model.index(1, 0, slide), -3)
    assert model.slides[0].bullets[1].level == 1
    assert model.setData(model.index(2, 1), "section")
    assert not model.setData(model.index(2, 1), "bogus-layout")
    assert model.setData(slide, "Say it slowly.", NOTES_ROLE)
    model.insert_bullet(2, 0, Bullet("Why we meet", 0))
    model.insert_slide(3, Slide("Questions?"))
    assert model.remove_index(model.index(1, 0))

    from copilot.documents.decks.outline import parse_outline, write_outline

    outline = model.to_outline()
    assert [s.title for s in outline.slides] == ["Key numbers", "Agenda", "Questions?"]
    assert outline.slides[0].notes == "Say it slowly."
    assert outline.slides[1].layout == "section"
    assert outline.subtitle == ("Customer service",)
    assert parse_outline(write_outline(outline)) == outline


def test_generate_outline_from_topic(qtbot: QtBot, workspace: PowerPointWorkspace, fake_server: FakeOpenAIServer,
                                     fake_profile: str) -> None:
    reply = {"title": "Onboarding", "subtitle": "For new staff", "slides": [
        {"title": "Welcome", "layout": "content", "bullets": [{"text": "Who we are", "sub": ["Since 1999"]}],
         "notes": "Smile."},
        {"title": "Next steps", "layout": "closing", "bullets": [{"text": "Meet your buddy"}], "notes": "Thanks."},
    ]}
    fake_server.set_default(json.dumps(reply))
    workspace.topic_edit.setPlainText("Onboarding for new staff")
    workspace.slides_spin.setValue(3)
    workspace.profile_name = lambda: fake_profile  # type: ignore[method-assign]
    with qtbot.waitSignal(workspace.model.modelReset, timeout=15000):
        workspace.run()
    assert [s.title for s in workspace.model.slides] == ["Welcome", "Next steps"]
    assert [(b.text, b.level) for b in workspace.model.slides[0].bullets] == [("Who we are", 0), ("Since 1999", 1)]
    assert workspace.title_edit.text() == "Onboarding"
    assert any(r["task"] == "outline" and r["source"] == "app" for r in history_runs())
    assert workspace.preview.count() == 3  # the title slide and two slides, as built
    assert workspace.has_unsaved_work()
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)
    workspace.tone_combo.setEditText("playful")
    workspace.retranslate()  # a language switch keeps the form and the outline
    assert workspace._tone() == "playful" and workspace.model.rowCount() == 2
    assert workspace.source_request() is not None


def test_build_then_reopen_with_python_pptx(qtbot: QtBot, workspace: PowerPointWorkspace, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.workspaces.powerpoint as pp

    monkeypatch.setattr(pp, "can_render", lambda: False)  # the LibreOffice render has its own test
    workspace.model.set_outline(OUTLINE)
    target = tmp_path / "out.pptx"
    statuses: list[str] = []
    workspace.sig_status.connect(statuses.append)
    workspace.build_to(target)
    qtbot.waitUntil(lambda: workspace.last_saved is not None, timeout=20000)
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)
    from pptx import Presentation

    prs = Presentation(str(target))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles[:4] == ["Q3 review", "Agenda", "Numbers", "Plans"]
    assert prs.slides[2].notes_slide.notes_text_frame.text == "Mention the new channel."
    assert any(str(target) in s for s in statuses)
    # Re-open the built deck in the editor: read-deck gives the outline back.
    other = PowerPointWorkspace(workspace.runner)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.model.modelReset, timeout=20000):
        other.open_file(target)
    assert other.model.deck_title == "Q3 review"
    assert [s.title for s in other.model.slides] == ["Agenda", "Numbers", "Plans"]
    assert other.model.slides[1].notes == "Mention the new channel."
    qtbot.waitUntil(lambda: not other.is_busy(), timeout=5000)

    # A second build to the same file without confirmation is refused with the one-line error.
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.build_to(target)
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert "\n" not in errors[0] and "out.pptx" in errors[0]


def test_build_in_corpus_template(qtbot: QtBot, workspace: PowerPointWorkspace, tmp_path: Path,
                                  corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.workspaces.powerpoint as pp

    monkeypatch.setattr(pp, "can_render", lambda: False)
    template = next(iter(sorted((corpus_dir / "pptx").glob("*.pptx"))))
    workspace.set_template(template)
    assert workspace.template() == template
    workspace.model.set_outline(OUTLINE)
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.build_to(tmp_path / "templated.pptx")
    qtbot.waitUntil(lambda: workspace.last_saved is not None or bool(errors), timeout=30000)
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)
    if errors:  # a template without a usable layout is refused with one line, never a traceback
        assert "\n" not in errors[0]
    else:
        from pptx import Presentation

        assert len(Presentation(str(tmp_path / "templated.pptx")).slides) >= 4


def test_open_corpus_deck_or_one_line_error(qtbot: QtBot, workspace: PowerPointWorkspace,
                                            corpus_dir: Path) -> None:
    deck = corpus_dir / "pptx" / "cht-charts.pptx"
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    resets: list[int] = []
    workspace.model.modelReset.connect(lambda: resets.append(1))
    workspace.open_file(deck)
    qtbot.waitUntil(lambda: bool(errors) or bool(resets), timeout=20000)
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)
    if errors:
        assert "\n" not in errors[0]
    else:
        assert workspace.model.rowCount() + int(bool(workspace.model.deck_title)) > 0


def test_cancel_generate_mid_job(qtbot: QtBot, workspace: PowerPointWorkspace, fake_server: FakeOpenAIServer,
                                 fake_profile: str) -> None:
    fake_server.latency = 3.0
    workspace.text_edit.setPlainText("Some notes to turn into slides.")
    workspace.source_tabs.setCurrentIndex(1)
    workspace.profile_name = lambda: fake_profile  # type: ignore[method-assign]
    busy: list[bool] = []
    workspace.sig_busy.connect(busy.append)
    workspace.run()
    assert workspace.is_busy()
    assert fake_server.wait_for_requests(1, timeout=10)
    workspace.cancel()
    assert not workspace.is_busy()
    assert busy[0] is True and busy[-1] is False
    assert workspace.model.rowCount() == 0  # nothing applied from the cancelled job
    qtbot.waitUntil(lambda: workspace.runner.active_workers() == 0, timeout=15000)


@pytest.mark.soffice
def test_rendered_previews_with_libreoffice(qtbot: QtBot, tmp_path: Path) -> None:
    from copilot.cancel import CancelToken
    from copilot.documents.decks.build import build_presentation, save_deck
    from copilot.documents.decks.render import can_render, render_deck
    from copilot.events import Done

    if not can_render():
        pytest.skip("soffice or gs missing")
    model = OutlineModel()
    model.set_outline(OUTLINE)
    prs, _ = build_presentation(model.to_outline())
    deck = save_deck(prs, tmp_path / "d.pptx")
    events = list(render_deck(deck, tmp_path / "png", CancelToken()))
    done = events[-1]
    assert isinstance(done, Done)
    assert len(done.result) == 4  # type: ignore[arg-type]
    from ui.widgets.slide_preview import SlidePreview

    preview = SlidePreview()
    qtbot.addWidget(preview)
    preview.show_images(done.result)  # type: ignore[arg-type]
    assert preview.rendered and preview.count() == 4


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Qt's QPoint event constructors
def test_outline_view_drop_moves_once(qtbot: QtBot) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    from ui.workspaces.powerpoint import OutlineView

    model = _model()
    view = OutlineView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(400, 300)
    view.expandAll()
    mime = model.mimeData([model.index(2, 0)])
    rect = view.visualRect(model.index(1, 0))
    point = QPointF(rect.center().x(), rect.top() + 1)  # the upper edge of "Numbers": above it

    class Move(QDragMoveEvent):
        def source(self) -> object:  # type: ignore[override]
            return view

    class Drop(QDropEvent):
        def source(self) -> object:  # type: ignore[override]
            return view

    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    view.dragEnterEvent(QDragEnterEvent(point.toPoint(), Qt.DropAction.MoveAction, mime, buttons, mods))
    view.dragMoveEvent(Move(point.toPoint(), Qt.DropAction.MoveAction, mime, buttons, mods))
    drop = Drop(point, Qt.DropAction.MoveAction, mime, buttons, mods)
    view.dropEvent(drop)
    assert drop.isAccepted()
    assert _titles(model) == ["Agenda", "Plans", "Numbers"]
    assert len(model.slides) == 3  # moved, never duplicated or deleted
    # A drop from outside this view is ignored.
    foreign = QDropEvent(point, Qt.DropAction.MoveAction, model.mimeData([model.index(0, 0)]), buttons, mods)
    view.dropEvent(foreign)
    assert not foreign.isAccepted() and len(model.slides) == 3


def test_review_opened_deck(qtbot: QtBot, workspace: PowerPointWorkspace, tmp_path: Path, fake_server: FakeOpenAIServer,
                            fake_profile: str) -> None:
    from copilot.documents.decks.build import build_presentation, save_deck

    prs, _ = build_presentation(_model().to_outline())
    deck = save_deck(prs, tmp_path / "review.pptx")
    fake_server.set_default(json.dumps({"summary": "Clear deck; add a conclusion.", "issues": [
        {"slide": 3, "kind": "conclusion", "message": "No closing summary."}]}))
    workspace.profile_name = lambda: fake_profile  # type: ignore[method-assign]
    assert not workspace.review_button.isEnabled()
    with qtbot.waitSignal(workspace.model.modelReset, timeout=20000):
        workspace.open_file(deck)
    qtbot.waitUntil(lambda: workspace.review_button.isEnabled(), timeout=5000)
    workspace.review()
    qtbot.waitUntil(lambda: "No closing summary." in workspace.review_view.toPlainText(),
                    timeout=20000)
    assert "Clear deck" in workspace.review_view.toPlainText()
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)


def test_save_outline_markdown_round_trips(qtbot: QtBot, workspace: PowerPointWorkspace, tmp_path: Path) -> None:
    from copilot.documents.decks.outline import read_outline_file

    workspace.model.set_outline(OUTLINE)
    target = tmp_path / "deck.md"
    statuses: list[str] = []
    workspace.sig_status.connect(statuses.append)
    workspace.save_outline_to(target)
    qtbot.waitUntil(lambda: target.exists(), timeout=10000)
    assert read_outline_file(target) == workspace.model.to_outline()
    qtbot.waitUntil(lambda: any(str(target) in s for s in statuses), timeout=5000)
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.save_outline_to(target)  # exists: refused, one line
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "deck.md" in errors[0] and "\n" not in errors[0]
    # The .md opens back into the editor.
    other = PowerPointWorkspace(workspace.runner)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.model.modelReset, timeout=10000):
        other.open_file(target)
    assert [s.title for s in other.model.slides] == ["Agenda", "Numbers", "Plans"]
    qtbot.waitUntil(lambda: workspace.runner.active_workers() == 0, timeout=5000)
