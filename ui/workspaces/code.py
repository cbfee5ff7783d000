"""Code workspace: pick a language, describe the task, watch the snippet stream into a highlighted
editor, see whether it passed the syntax check (it is never run), Copy or Save it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Delta, Event, Notice, Started
from ui.highlighter import CodeHighlighter
from ui.runner import Runner
from ui.theme import icon, set_role
from ui.workspaces.base import Workspace

__all__ = ["CodeWorkspace"]


def _code_suffixes() -> tuple[str, ...]:
    from copilot.code.languages import LANGUAGES

    return tuple(sorted({lang.extension for lang in LANGUAGES.values() if lang.extension != ".txt"}
                        | {".pyw", ".mjs", ".tsx", ".jsx", ".vbs", ".bas"} - {".json"}))


class CodeWorkspace(Workspace):
    key = "code"
    file_suffixes = _code_suffixes()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        from copilot.code.languages import LANGUAGES

        self.result: Any = None
        self._streamed: list[str] = []

        self.lang_label = QLabel()
        self.lang_combo = QComboBox()
        for lang in LANGUAGES.values():
            self.lang_combo.addItem(lang.display, lang.name)
        self.lang_combo.currentIndexChanged.connect(self._on_lang_changed)
        self.explain_check = QCheckBox()
        self.run_button = QPushButton(icon("run"), "")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(icon("cancel"), "")
        self.cancel_button.clicked.connect(self.cancel)
        top = QHBoxLayout()
        top.addWidget(self.lang_label)
        top.addWidget(self.lang_combo)
        top.addWidget(self.explain_check)
        top.addStretch(1)
        top.addWidget(self.run_button)
        top.addWidget(self.cancel_button)

        self.task_label = QLabel()
        set_role(self.task_label, "heading")
        self.task_edit = QPlainTextEdit()
        self.task_edit.setMaximumHeight(110)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.editor = QPlainTextEdit()
        self.editor.setFont(mono)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setTabStopDistance(self.editor.fontMetrics().horizontalAdvance(" ") * 4)
        dark = self.palette().base().color().lightness() < 128
        self.highlighter = CodeHighlighter(self.editor.document(), self.language(), dark)
        self.explanation = QPlainTextEdit()
        self.explanation.setReadOnly(True)
        split = QSplitter()
        split.addWidget(self.editor)
        split.addWidget(self.explanation)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.copy_button = QPushButton(icon("copy"), "")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(icon("save"), "")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.check_label, 1)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.task_label)
        layout.addWidget(self.task_edit)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.retranslate()
        self._set_busy(False)

    def title(self) -> str:
        return self.tr("Code")

    def retranslate(self) -> None:
        self.lang_label.setText(self.tr("Language:"))
        self.explain_check.setText(self.tr("Explain"))
        self.run_button.setText(self.tr("Generate"))
        self.run_button.setToolTip(self.tr("Generate the code (Ctrl+Enter)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.task_label.setText(self.tr("What should the code do?"))
        self.task_edit.setPlaceholderText(self.tr("e.g. read a CSV file and print the average of the price column"))
        self.editor.setPlaceholderText(self.tr("The generated code appears here. It is checked, never run."))
        self.explanation.setPlaceholderText(self.tr("Explanation"))
        self.copy_button.setText(self.tr("Copy"))
        self.save_button.setText(self.tr("Save…"))
        self._show_check()

    def language(self) -> str:
        return str(self.lang_combo.currentData() or "python")

    def set_language(self, name: str) -> None:
        index = self.lang_combo.findData(name)
        if index >= 0:
            self.lang_combo.setCurrentIndex(index)

    def _on_lang_changed(self, _index: int) -> None:
        self.highlighter.set_language(self.language())

    def open_file(self, path: Path) -> None:
        from copilot.code.languages import language_for_path
        from copilot.errors import CopilotError, DocumentError

        try:
            lang = language_for_path(path)
            text = path.read_text(encoding="utf-8")
        except CopilotError as exc:
            self.report_error(exc)
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.report_error(DocumentError(path, f"cannot read it as UTF-8 text ({type(exc).__name__}) "
                                                  f"— save it as UTF-8 and open it again"))
            return
        self.current_path = path
        if lang is not None:
            self.set_language(lang.name)
        self.editor.setPlainText(text)
        self.result = None
        self._show_check()

    def run(self) -> None:
        task = self.task_edit.toPlainText().strip()
        if not task:
            self.sig_status.emit(self.tr("Describe what the code should do first"))
            self.task_edit.setFocus()
            return
        lang = self.language()
        explain = self.explain_check.isChecked()
        profile = self.profile_name()
        from ui.i18n import ui_lang

        prompt_lang: Literal["zh", "en"] | None = "zh" if ui_lang() == "zh" else None

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.models import get_provider
            from copilot.tasks.generate_code import generate_code

            return generate_code(get_provider(profile), task, lang, explain=explain, cancel=cancel,
                                 ui_lang=prompt_lang)

        self.result = None
        self._streamed = []
        self.editor.clear()
        self.explanation.clear()
        self.check_label.setText(self.tr("Generating…"))
        self.start_job(job, on_event=self._on_event, on_done=self._on_done, on_error=self._on_error, model=True,
                       what=self.tr("Generating code"), record="code", input_text=task)

    def _on_event(self, event: object) -> None:
        if isinstance(event, Delta):
            self._streamed.append(event.text)
            cursor = self.editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(event.text)
            self.editor.setTextCursor(cursor)
            self.editor.ensureCursorVisible()
        elif isinstance(event, Notice):
            self.check_label.setText(event.message)
            self.sig_status.emit(event.message)
        elif isinstance(event, Started):
            self.sig_status.emit(self.tr("Generating %1…").replace("%1", self.lang_combo.currentText()))

    def _on_done(self, result: object) -> None:
        self._set_busy(False)
        from copilot.tasks.generate_code import CodeResult

        if not isinstance(result, CodeResult):
            return
        self.result = result
        self.editor.setPlainText(result.code)
        self.explanation.setPlainText(result.explanation)
        self._show_check()
        self.sig_status.emit(self.check_label.text())

    def _on_error(self, _exc: BaseException) -> None:
        # start_job has shown the error in this workspace's banner.
        self._set_busy(False)
        self.check_label.setText("")

    def _show_check(self) -> None:
        if self.result is None:
            if not self.run_button.isEnabled():
                return
            self.check_label.setText(self.tr("Not checked yet") if self.editor.toPlainText() else "")
            self.check_label.setStyleSheet("")
            return
        check = self.result.check
        status = str(getattr(check, "status", ""))
        line = check.line() if hasattr(check, "line") else str(check)
        if getattr(self.result, "outcome", ""):
            line = f"{line} · {self.result.outcome}"
        ok = bool(getattr(check, "ok", False))
        if ok:
            prefix, color = self.tr("✓ Check passed:"), "#1b7f2a"
        elif status == "failed":
            prefix, color = self.tr("✗ Check failed:"), "#c62828"
        else:
            prefix, color = self.tr("⚠ Not checked:"), "#b26a00"
        self.check_label.setText(f"{prefix} {line}")
        self.check_label.setStyleSheet(f"color:{color}")

    def cancel(self) -> None:
        if self.runner.is_running(self.key):
            self.runner.cancel(self.key)
            self._set_busy(False)
            self.check_label.setText(self.tr("Cancelled — the code so far is kept"))

    def busy_changed(self, busy: bool) -> None:
        self._set_busy(busy)

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.editor.toPlainText())
        self.sig_status.emit(self.tr("Copied to the clipboard"))

    def can_save(self) -> bool:
        return bool(self.editor.toPlainText().strip())

    def save(self) -> None:
        from copilot.code.languages import LANGUAGES

        lang = LANGUAGES.get(self.language())
        ext = lang.extension if lang else ".txt"
        default = str(self.current_path) if self.current_path else f"snippet{ext}"
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save Code"), default,
                                              self.tr("Code (*%1);;All files (*)").replace("%1", ext))
        if name:
            self.save_to(Path(name))

    def save_to(self, path: Path) -> None:
        from copilot.atomic import write_text
        from copilot.errors import CopilotError

        try:
            write_text(path, self.editor.toPlainText(), force=True)  # the dialog confirmed overwriting
        except CopilotError as exc:
            self.report_error(exc)
            return
        except OSError as exc:
            self.report_error(f"{path}: cannot write ({exc.strerror}) — choose another folder")
            return
        self.current_path = path
        self.sig_status.emit(self.tr("Saved %1").replace("%1", str(path)))
