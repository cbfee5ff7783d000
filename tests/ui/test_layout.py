"""Nothing clipped at 1024 × 700: every workspace, in English and Simplified Chinese, gives every
visible button, label, tab and combo box at least its size hint's width (or elides by design)."""

from __future__ import annotations

import pytest

from ui.layout_check import clipped_widgets


def _attribute_names(*objects: object) -> dict[int, str]:
    names: dict[int, str] = {}
    for obj in objects:
        for attr, value in vars(obj).items():
            names.setdefault(id(value), f"{type(obj).__name__}.{attr}")
    return names


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_nothing_clipped_at_1024_by_700(window: object, qtbot: object, lang: str) -> None:
    from ui.main_window import WORKSPACES

    window.set_language(lang)  # type: ignore[attr-defined]
    window.resize(1024, 700)  # type: ignore[attr-defined]
    problems: list[str] = []
    for key, _, _ in WORKSPACES:
        ws = window.show_workspace(key)  # type: ignore[attr-defined]
        assert ws is not None, key
        qtbot.wait(20)  # type: ignore[attr-defined]
        if window.width() > 1024 or window.height() > 700:  # type: ignore[attr-defined]
            problems.append(f"{lang}/{key}: the window grew to {window.width()} × {window.height()}")  # type: ignore[attr-defined]
            window.resize(1024, 700)  # type: ignore[attr-defined]
        names = _attribute_names(window, ws)
        problems += [f"{lang}/{key}: {p}" for p in clipped_widgets(window, names)]  # type: ignore[arg-type]
    window.set_language("en")  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


def test_window_size_follows_the_screen_and_is_remembered(desk: object, qtbot: object) -> None:
    from PySide6.QtCore import QSize

    from ui.main_window import initial_size

    assert initial_size(QSize(1920, 1040)) == QSize(1536, 884)
    assert initial_size(QSize(1280, 720)) == QSize(1024, 700)
    assert initial_size(QSize(1000, 650)) == QSize(1000, 650)  # never larger than the screen
    window = desk.show_main_window()  # type: ignore[attr-defined]
    screen = window.screen().availableGeometry().size()
    assert window.size() == initial_size(screen)
    window.resize(window.width() - 40, window.height() + 30)
    left = window.size()
    assert left != initial_size(screen)
    window._save_geometry()
    again = type(window)(window.runner)
    try:
        assert again.size() == left
    finally:
        again.close()
        again.deleteLater()
