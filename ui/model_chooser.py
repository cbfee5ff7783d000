"""Choosing a model: servers found on this machine, a key for a hosted service, or a download.

Shown on the first start (no settings.toml yet) instead of silently using the demo model, and
from Tools → Models… afterwards. Three ways, each one click from working:

* a detected Ollama / LM Studio / vLLM / llama.cpp server (``copilot.models.detect``, on a
  runner worker) → a profile for it becomes the default;
* a key for DashScope (Qwen), DeepSeek or OpenAI → stored in the keyring for that preset, which
  becomes the default;
* a catalogue model that fits this machine, downloaded by ``copilot.models.download.get_model``
  on the runner with progress, Pause (cancel, the partial file is kept), Resume (a new run that
  continues with HTTP Range, also after an app restart) and Cancel (the partial is deleted).

The download belongs to :class:`DownloadController`, one per runner, so it keeps running when
the dialog closes and any chooser opened later shows its state.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.runner import Runner

__all__ = ["ChooserDialog", "DownloadController", "ModelChooser", "download_controller", "needs_first_run",
           "partial_downloads"]

log = logging.getLogger(__name__)

_DOWNLOAD_KEY = "models.download"
_HOSTED = (("dashscope", "DashScope (Qwen)"), ("deepseek", "DeepSeek"), ("openai", "OpenAI"))


def needs_first_run() -> bool:
    """No settings file yet: this is the first start (any saved choice creates the file)."""
    from copilot.settings import settings_path

    return not settings_path().exists()


def partial_downloads() -> dict[str, int]:
    """Model id → bytes already on disk, for downloads that were paused or interrupted."""
    from copilot.models.download import models_dir

    found: dict[str, int] = {}
    for part in models_dir().glob("*/*.part"):
        found[part.parent.name] = found.get(part.parent.name, 0) + part.stat().st_size
    return found


def _mb(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


class DownloadController(QObject):
    """Runs one catalogue download at a time on the runner; outlives any chooser dialog."""

    sig_changed = Signal()
    """State, progress or message changed (read ``state``, ``done``, ``total``, ``message``)."""
    sig_finished = Signal(str)
    """The profile name of a downloaded, verified model, now the default profile."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(runner)
        self.runner = runner
        self.model_id = ""
        self.state = "idle"
        """idle | running | paused | done | failed"""
        self.done = 0
        self.total: int | None = None
        self.message = ""
        self.error: BaseException | None = None

    def start(self, model_id: str, source: str) -> None:
        from copilot.models.download import get_model

        self.model_id, self.state, self.error = model_id, "running", None
        self.message = self.tr("Connecting to %1…").replace("%1", source)
        self.sig_changed.emit()
        self.runner.start(_DOWNLOAD_KEY, lambda cancel: get_model(model_id, source=source, cancel=cancel),
                          on_event=self._on_event, on_done=self._on_done, on_error=self._on_error)

    def pause(self) -> None:
        """Stop now and keep the partial file; ``start`` again resumes where it stopped."""
        if self.state == "running":
            self.runner.cancel(_DOWNLOAD_KEY)
            self.state = "paused"
            self.message = self.tr("Paused at %1 — Resume continues from there, also after a restart.").replace(
                "%1", _mb(self.done))
            self.sig_changed.emit()

    def cancel(self) -> None:
        """Stop and delete the partial file."""
        import shutil

        from copilot.models.download import models_dir

        if self.state == "running":
            self.runner.cancel(_DOWNLOAD_KEY)
        if self.model_id and self.state != "done":
            folder = models_dir() / self.model_id
            for part in folder.glob("*.part*"):
                part.unlink(missing_ok=True)
            if folder.is_dir() and not any(folder.iterdir()):
                shutil.rmtree(folder, ignore_errors=True)
        self.state, self.done, self.total = "idle", 0, None
        self.message = self.tr("Download cancelled; the partial file was deleted.")
        self.sig_changed.emit()

    def _on_event(self, event: Any) -> None:
        from copilot.events import Notice, Progress, Started

        if isinstance(event, Started):
            self.total = event.total
        elif isinstance(event, Progress):
            self.done, self.total = event.done, event.total
            self.message = event.message
        elif isinstance(event, Notice):
            self.message = event.message
        else:
            return
        self.sig_changed.emit()

    def _on_done(self, result: object) -> None:
        from copilot.errors import CopilotError
        from copilot.models.profiles import use_profile

        profile = str(getattr(result, "profile", ""))
        try:
            use_profile(profile)
        except CopilotError as exc:
            self._on_error(exc)
            return
        self.state = "done"
        self.done = self.total or self.done
        verified = bool(getattr(result, "verified", False))
        self.message = (self.tr("Downloaded and checked (SHA-256 matches). %1 is now the default model.") if verified
                        else self.tr("Downloaded (no checksum was published). %1 is now the default model.")
                        ).replace("%1", profile)
        self.sig_changed.emit()
        self.sig_finished.emit(profile)

    def _on_error(self, exc: BaseException) -> None:
        from ui.workspaces.base import error_text

        self.state, self.error = "failed", exc
        self.message = error_text(exc)
        self.sig_changed.emit()


def download_controller(runner: Runner) -> DownloadController:
    found = runner.findChild(DownloadController)
    return found if isinstance(found, DownloadController) else DownloadController(runner)


class ModelChooser(QWidget):
    sig_chosen = Signal(str)
    """A profile name that became the default profile."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.controller = download_controller(runner)
        self.servers: list[Any] = []
        layout = QVBoxLayout(self)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.server_box = QGroupBox()
        sl = QVBoxLayout(self.server_box)
        self.server_list = QListWidget()
        self.server_list.setMaximumHeight(90)
        self.server_list.itemDoubleClicked.connect(lambda _item: self.use_selected_server())
        sl.addWidget(self.server_list)
        row = QHBoxLayout()
        self.server_status = QLabel()
        self.server_status.setWordWrap(True)
        row.addWidget(self.server_status, 1)
        self.rescan_button = QPushButton()
        self.rescan_button.clicked.connect(self.detect)
        row.addWidget(self.rescan_button)
        self.use_server_button = QPushButton()
        self.use_server_button.setEnabled(False)
        self.use_server_button.clicked.connect(self.use_selected_server)
        row.addWidget(self.use_server_button)
        sl.addLayout(row)
        self.server_list.currentRowChanged.connect(lambda r: self.use_server_button.setEnabled(r >= 0))
        layout.addWidget(self.server_box)

        self.key_box = QGroupBox()
        kl = QHBoxLayout(self.key_box)
        self.hosted_combo = QComboBox()
        for name, title in _HOSTED:
            self.hosted_combo.addItem(title, name)
        kl.addWidget(self.hosted_combo)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        kl.addWidget(self.key_edit, 1)
        self.save_key_button = QPushButton()
        self.save_key_button.clicked.connect(self.use_key)
        kl.addWidget(self.save_key_button)
        layout.addWidget(self.key_box)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.key_status.hide()
        layout.addWidget(self.key_status)

        self.download_box = QGroupBox()
        dl = QVBoxLayout(self.download_box)
        row = QHBoxLayout()
        self.model_combo = QComboBox()
        row.addWidget(self.model_combo, 1)
        self.source_combo = QComboBox()
        self.source_combo.addItem("Hugging Face", "huggingface")
        self.source_combo.addItem("ModelScope", "modelscope")
        row.addWidget(self.source_combo)
        dl.addLayout(row)
        self.download_progress = QProgressBar()
        self.download_progress.setRange(0, 1000)
        dl.addWidget(self.download_progress)
        self.download_status = QLabel()
        self.download_status.setWordWrap(True)
        dl.addWidget(self.download_status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.download_button = QPushButton()
        self.download_button.clicked.connect(self.start_download)
        self.pause_button = QPushButton()
        self.pause_button.clicked.connect(lambda: self.controller.pause())
        self.cancel_download_button = QPushButton()
        self.cancel_download_button.clicked.connect(lambda: self.controller.cancel())
        for button in (self.download_button, self.pause_button, self.cancel_download_button):
            row.addWidget(button)
        dl.addLayout(row)
        layout.addWidget(self.download_box)
        layout.addStretch(1)

        self.controller.sig_changed.connect(self._show_download)
        self.controller.sig_finished.connect(self.sig_chosen)
        self._fill_models()
        self.retranslate()
        self._show_download()
        self.detect()

    # -- texts -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        from copilot.models.catalogue import total_ram_bytes

        self.intro.setText(self.tr(
            "Desk Copilot works with any model you choose. Until you choose, it uses the small embedded "
            "SmolLM2-135M demo model: fine for trying the app, weak at real documents."))
        self.server_box.setTitle(self.tr("Model servers on this machine"))
        self.rescan_button.setText(self.tr("Look again"))
        self.use_server_button.setText(self.tr("Use this server"))
        self.key_box.setTitle(self.tr("A hosted model with your key"))
        self.key_edit.setPlaceholderText(self.tr("API key (stored in the system keyring)"))
        self.save_key_button.setText(self.tr("Save key and use"))
        self.download_box.setTitle(self.tr("Download a local model (this machine: %1 GB RAM)").replace(
            "%1", f"{total_ram_bytes() / 1e9:.0f}"))
        self.download_button.setText(self.tr("Download") if self.controller.state != "paused"
                                     and not self._partial_for_selection() else self.tr("Resume"))
        self.pause_button.setText(self.tr("Pause"))
        self.cancel_download_button.setText(self.tr("Cancel download"))

    # -- servers -------------------------------------------------------------------------------------
    def detect(self) -> None:
        from collections.abc import Iterator

        from copilot.cancel import CancelToken
        from copilot.events import Done, Event

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.models.detect import detect_servers

            yield Done(detect_servers())

        self.server_status.setText(self.tr("Looking for Ollama, LM Studio, vLLM and llama.cpp…"))
        self.rescan_button.setEnabled(False)
        self.runner.start(f"chooser.detect.{id(self)}", job, on_done=self._on_detected, on_error=self._on_detect_error)

    def _on_detected(self, servers: object) -> None:
        self.rescan_button.setEnabled(True)
        self.servers = list(servers) if isinstance(servers, list) else []
        self.server_list.clear()
        for server in self.servers:
            model = server.chat_model or self.tr("no models yet")
            text = self.tr("Found %1 on this machine with %2 — use it").replace("%1", server.title).replace("%2", model)
            item = QListWidgetItem(text)
            item.setToolTip(f"{server.base_url}: {', '.join(server.models[:20])}")
            self.server_list.addItem(item)
        if self.servers:
            self.server_list.setCurrentRow(0)
            self.server_status.setText(self.tr("%n server(s) found.", "", len(self.servers)))
        else:
            self.server_status.setText(self.tr("None found. Start Ollama or LM Studio and look again."))

    def _on_detect_error(self, exc: BaseException) -> None:
        from ui.workspaces.base import error_text

        self.rescan_button.setEnabled(True)
        self.server_status.setText(error_text(exc))

    def use_selected_server(self) -> None:
        from copilot.errors import CopilotError
        from copilot.models.detect import add_detected

        row = self.server_list.currentRow()
        if not 0 <= row < len(self.servers):
            return
        try:
            name = add_detected(self.servers[row], make_default=True)
        except CopilotError as exc:
            self.server_status.setText(str(exc))
            return
        self.server_status.setText(self.tr("Profile %1 is now the default.").replace("%1", name))
        self.sig_chosen.emit(name)

    # -- keys ------------------------------------------------------------------------------------------
    def use_key(self) -> None:
        from copilot.errors import CopilotError
        from copilot.models.profiles import get_profile, use_profile
        from copilot.secrets import set_key

        name = str(self.hosted_combo.currentData())
        key = self.key_edit.text().strip()
        self.key_status.show()
        if not key:
            self.key_status.setText(self.tr("Enter the key first."))
            return
        try:
            set_key(get_profile(name), key)
            use_profile(name)
        except CopilotError as exc:
            self.key_status.setText(str(exc))
            return
        self.key_edit.clear()
        self.key_status.setText(self.tr("Key stored. %1 is now the default; Settings → Test connection checks it.")
                                .replace("%1", name))
        self.sig_chosen.emit(name)

    # -- downloads -------------------------------------------------------------------------------------
    def _fill_models(self) -> None:
        from copilot.models.catalogue import CATALOGUE, recommended, total_ram_bytes

        ram = total_ram_bytes()
        pick = recommended(ram)
        partial = partial_downloads()
        self.model_combo.clear()
        for model in CATALOGUE:
            if model.kind != "chat":
                continue
            label = f"{model.title} ({model.quant}, {_mb(model.size_bytes)})"
            if model.id in partial:
                label += " — " + self.tr("paused at %1").replace("%1", _mb(partial[model.id]))
            elif model.fits(ram):
                label += " — " + self.tr("fits this machine")
            self.model_combo.addItem(label, model.id)
        wanted = self.controller.model_id or next(iter(partial), "") or (pick.id if pick else "")
        index = self.model_combo.findData(wanted)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        self.model_combo.currentIndexChanged.connect(lambda _i: self._show_download())

    def _partial_for_selection(self) -> bool:
        return str(self.model_combo.currentData()) in partial_downloads()

    def _show_partial(self) -> None:
        from copilot.models.catalogue import find_model

        model_id = str(self.model_combo.currentData())
        done = partial_downloads().get(model_id, 0)
        if done:
            self.download_progress.setValue(int(1000 * min(1.0, done / find_model(model_id).size_bytes)))

    def start_download(self) -> None:
        self.controller.start(str(self.model_combo.currentData()), str(self.source_combo.currentData()))

    def _show_download(self) -> None:
        c = self.controller
        running = c.state == "running"
        self.download_button.setEnabled(not running)
        self.model_combo.setEnabled(not running)
        self.source_combo.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.cancel_download_button.setEnabled(running or c.state == "paused" or self._partial_for_selection())
        message = c.message
        if c.total:
            self.download_progress.setValue(int(1000 * min(c.done, c.total) / c.total))
        elif c.state == "idle":
            self.download_progress.setValue(0)
            self._show_partial()
            if self._partial_for_selection() and not message:
                message = self.tr("Paused earlier — Resume continues where it stopped.")
        self.download_status.setText(message or self.tr("Downloads are checked against the published SHA-256 "
                                                        "and can be paused and resumed."))
        self.retranslate()


class ChooserDialog(QDialog):
    """The chooser in a window (first start, Tools → Models…). Closing keeps whatever was chosen."""

    sig_chosen = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelChooser")
        self.chooser = ModelChooser(runner, self)
        self.chooser.sig_chosen.connect(self._on_chosen)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser, 1)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Choose a model"))
        self.resize(640, 560)

    def _on_chosen(self, name: str) -> None:
        self.sig_chosen.emit(name)

    def done(self, result: int) -> None:
        # Closing the first-start chooser is a choice too (keep the demo model): write the settings
        # so it is not shown again.
        from copilot.errors import CopilotError
        from copilot.settings import load_settings, save_settings

        if needs_first_run():
            try:
                save_settings(load_settings())
            except CopilotError as exc:
                log.warning("cannot save settings: %s", exc)
        super().done(result)

