"""UI language: Qt translators for our strings (``desk_copilot_<lang>.qm``) and Qt's own dialogs.

Installing a translator makes Qt send ``LanguageChange`` to every widget; widgets re-set their
texts in ``retranslate()`` (see ``ui.workspaces.base.Workspace.changeEvent``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = ["LANGUAGES", "current_language", "install_language", "resolve_language", "ui_lang"]

I18N_DIR = Path(__file__).resolve().parent
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
_installed: list[QTranslator] = []
_current = "en"


def resolve_language(setting: str) -> str:
    """``zh_CN`` or ``en``; an empty setting follows the system locale (Chinese → zh_CN)."""
    if setting in LANGUAGES:
        return setting
    if setting.lower().startswith("zh"):
        return "zh_CN"
    if setting:
        return "en"
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def current_language() -> str:
    return _current


def ui_lang() -> Literal["zh", "en"]:
    """The installed UI language as a template language (names, descriptions, prompts)."""
    return "zh" if _current == "zh_CN" else "en"


def install_language(setting: str) -> str:
    """Switch the running app to ``setting`` (zh_CN / en / "" = system). Returns the language used."""
    global _current
    app = QCoreApplication.instance()
    lang = resolve_language(setting)
    if app is None:
        return lang
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if lang != "en":
        ours = QTranslator(app)
        if ours.load(str(I18N_DIR / f"desk_copilot_{lang}.qm")):
            _installed.append(ours)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load(f"qtbase_{lang}", qt_dir):
            _installed.append(qtbase)
        for translator in _installed:
            app.installTranslator(translator)
    _current = lang
    if not _installed:
        # Removing the last translator must still tell widgets to re-set their texts.
        from PySide6.QtCore import QEvent

        QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
    return lang
