"""Settings: model profiles (presets, base URL, model from /v1/models, Test connection, key in the
keyring, concurrency), a default profile per workspace, UI language, theme, tracked-change author,
the global hotkey, closing to the tray and starting at login.

Everything is stored through ``copilot.settings`` / ``copilot.models.profiles`` (the same files the
CLI uses) and keys through ``copilot.secrets`` — never in a file. Network calls go through the Runner.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Started
from ui.hotkeys.edit import HotkeyEdit
from ui.runner import Runner
from ui.theme import set_role

__all__ = ["SettingsDialog"]

_WORKSPACE_KEYS = ("word", "excel", "powerpoint", "code", "prompts")
_RUN_KEY = "settings"


class SettingsDialog(QDialog):
    sig_applied = Signal()
    """Settings were saved (language/theme may have changed)."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from copilot.models.profiles import all_profiles
        from copilot.settings import load_settings

        self.runner = runner
        self.settings = load_settings()
        self.profiles = dict(all_profiles(self.settings))
        self._edited: dict[str, Any] = {}  # profile name -> Profile with unsaved edits
        self._keys: dict[str, str] = {}  # profile name -> key typed (stored on OK)
        self._current: str | None = None
        self.setObjectName("SettingsDialog")
        self.resize(780, 520)

        self.tabs = QTabWidget()
        # -- profiles tab --------------------------------------------------------------------------
        page = QWidget()
        self.profile_list = QListWidget()
        self.profile_list.currentItemChanged.connect(self._on_profile_current_changed)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.default_button = QPushButton()
        self.default_button.clicked.connect(self._on_default_clicked)
        left = QVBoxLayout()
        left.addWidget(self.profile_list, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        left.addWidget(self.default_button)

        self.form = QFormLayout()
        self.name_label = QLabel()
        set_role(self.name_label, "heading")
        self.preset_combo = QComboBox()
        self.preset_combo.activated.connect(self._on_preset_activated)
        self.base_url = QLineEdit()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.fetch_button = QPushButton()
        self.fetch_button.clicked.connect(self.fetch_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.fetch_button)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_notice = QLabel()
        self.key_notice.setWordWrap(True)
        set_role(self.key_notice, "hint")
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 64)
        self.test_button = QPushButton()
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._form_labels = [QLabel() for _ in range(6)]
        self.form.addRow(self.name_label)
        self.form.addRow(self._form_labels[0], self.preset_combo)
        self.form.addRow(self._form_labels[1], self.base_url)
        self.form.addRow(self._form_labels[2], model_row)
        self.form.addRow(self._form_labels[3], self.key_edit)
        self.form.addRow("", self.key_notice)
        self.form.addRow(self._form_labels[4], self.concurrency)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        self.form.addRow(self._form_labels[5], test_row)
        for w in (self.base_url,):
            w.editingFinished.connect(self._store_form)
        self.model_combo.currentTextChanged.connect(lambda _t: self._store_form())
        self.concurrency.valueChanged.connect(lambda _v: self._store_form())
        self.key_edit.textEdited.connect(self._on_key_edited)
        layout = QHBoxLayout(page)
        layout.addLayout(left, 1)
        layout.addLayout(self.form, 2)

        # -- general tab ---------------------------------------------------------------------------
        general = QWidget()
        gform = QFormLayout(general)
        self.language_combo = QComboBox()
        self.theme_combo = QComboBox()
        self.author_edit = QLineEdit(self.settings.author)
        self.default_profile_combo = QComboBox()
        self.workspace_combos: dict[str, QComboBox] = {k: QComboBox() for k in _WORKSPACE_KEYS}
        self._general_labels = [QLabel() for _ in range(4 + len(_WORKSPACE_KEYS))]
        gform.addRow(self._general_labels[0], self.language_combo)
        gform.addRow(self._general_labels[1], self.theme_combo)
        gform.addRow(self._general_labels[2], self.author_edit)
        gform.addRow(self._general_labels[3], self.default_profile_combo)
        for i, key in enumerate(_WORKSPACE_KEYS):
            gform.addRow(self._general_labels[4 + i], self.workspace_combos[key])
        self.hotkey_edit = HotkeyEdit()
        self.hotkey_edit.set_value(self.settings.hotkey)
        self.hotkey_label = QLabel()
        gform.addRow(self.hotkey_label, self.hotkey_edit)
        self.close_to_tray_check = QCheckBox()
        self.close_to_tray_check.setChecked(bool(self.settings.close_to_tray))
        gform.addRow("", self.close_to_tray_check)
        self.autostart_check = QCheckBox()
        self.autostart_check.setChecked(bool(self.settings.autostart))
        gform.addRow("", self.autostart_check)

        self.tabs.addTab(general, "")
        self.tabs.addTab(page, "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs, 1)
        outer.addWidget(self.buttons)

        self.retranslate()
        self._fill_profiles(self.settings.default_profile)
        self._fill_general()

    # -- texts ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.tabs.setTabText(0, self.tr("General"))
        self.tabs.setTabText(1, self.tr("Model Profiles"))
        self.add_button.setText(self.tr("Add…"))
        self.remove_button.setText(self.tr("Remove"))
        self.default_button.setText(self.tr("Use as Default"))
        for label, text in zip(self._form_labels, (self.tr("Preset"), self.tr("Base URL"), self.tr("Model"),
                                                   self.tr("API key"), self.tr("Concurrency"),
                                                   self.tr("Connection")), strict=True):
            label.setText(text)
        self.fetch_button.setText(self.tr("Fetch Models"))
        self.test_button.setText(self.tr("Test Connection"))
        self.key_edit.setPlaceholderText(self.tr("leave empty to keep the stored key"))
        general = (self.tr("Language"), self.tr("Theme"), self.tr("Author of tracked changes"),
                   self.tr("Default profile"), self.tr("Word profile"), self.tr("Excel profile"),
                   self.tr("PowerPoint profile"), self.tr("Code profile"), self.tr("Prompts profile"))
        for label, text in zip(self._general_labels, general, strict=True):
            label.setText(text)
        self.hotkey_label.setText(self.tr("Global hotkey"))
        self.hotkey_edit.retranslate()
        self.close_to_tray_check.setText(self.tr("Keep running in the tray when the window is closed"))
        self.autostart_check.setText(self.tr("Start Desk Copilot when I log in"))

    def _fill_general(self) -> None:
        self.language_combo.clear()
        self.language_combo.addItem(self.tr("Follow the system"), "")
        self.language_combo.addItem("简体中文", "zh_CN")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(self.settings.language)))
        self.theme_combo.clear()
        for value, text in (("system", self.tr("Follow the system")), ("light", self.tr("Light")),
                            ("dark", self.tr("Dark"))):
            self.theme_combo.addItem(text, value)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(self.settings.theme)))
        self._fill_profile_combos()

    def _fill_profile_combos(self) -> None:
        names = sorted(self.profiles)
        self.default_profile_combo.clear()
        for name in names:
            self.default_profile_combo.addItem(name, name)
        self.default_profile_combo.setCurrentIndex(
            max(0, self.default_profile_combo.findData(self.settings.default_profile)))
        for key, combo in self.workspace_combos.items():
            current = combo.currentData() if combo.count() else self.settings.workspace_profiles.get(key, "")
            combo.clear()
            combo.addItem(self.tr("(default profile)"), "")
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(current or "")))

    # -- profiles -----------------------------------------------------------------------------------
    def _fill_profiles(self, select: str | None = None) -> None:
        from copilot.models.profiles import PRESETS

        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for name in sorted(self.profiles):
            p = self._profile(name)
            label = name + ("  ★" if name == self.settings.default_profile else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(p.display_target)
            self.profile_list.addItem(item)
            if name == select:
                self.profile_list.setCurrentItem(item)
        self.profile_list.blockSignals(False)
        self.preset_combo.clear()
        self.preset_combo.addItem(self.tr("(custom)"), "")
        for name in PRESETS:
            self.preset_combo.addItem(name, name)
        self._on_profile_current_changed(self.profile_list.currentItem(), None)

    def _profile(self, name: str) -> Any:
        return self._edited.get(name) or self.profiles[name]

    def _on_profile_current_changed(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        self._current = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        self.test_result.clear()
        if self._current is None:
            return
        from copilot.secrets import keyring_status

        p = self._profile(self._current)
        embedded = p.kind == "embedded"
        self.name_label.setText(self.tr("Profile: %1").replace("%1", p.name))
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(p.name if p.preset else "")))
        self.base_url.setText(p.base_url or "")
        self.base_url.setEnabled(not embedded)
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItem(p.model)
        self.model_combo.setCurrentText(p.model)
        self.model_combo.blockSignals(False)
        self.concurrency.blockSignals(True)
        self.concurrency.setValue(p.concurrency)
        self.concurrency.setEnabled(not embedded)
        self.concurrency.blockSignals(False)
        self.key_edit.setText(self._keys.get(p.name, ""))
        reason = keyring_status()
        self.key_edit.setEnabled(not embedded and reason is None)
        if embedded:
            self.key_notice.setText(self.tr("The embedded model runs on this computer and needs no key."))
        elif reason is not None:
            env = p.key_env or "DESK_COPILOT_KEY"
            self.key_notice.setText(self.tr("No keyring is available (%1): keys cannot be stored. Set the "
                                            "environment variable %2 instead.").replace("%1", reason)
                                    .replace("%2", env))
        else:
            self.key_notice.setText(self.tr("Stored in the system keyring, never in a file."))
        self.remove_button.setEnabled(p.name in self.settings.profiles and not p.preset)

    def _store_form(self) -> None:
        if self._current is None:
            return
        p = self._profile(self._current)
        if p.kind == "embedded":
            changes: dict[str, Any] = {"model": self.model_combo.currentText().strip() or p.model}
        else:
            changes = {"base_url": self.base_url.text().strip() or p.base_url,
                       "model": self.model_combo.currentText().strip() or p.model,
                       "concurrency": self.concurrency.value()}
        new = dataclasses.replace(p, **changes)
        if new != self.profiles[self._current]:
            self._edited[self._current] = new

    def _on_key_edited(self, text: str) -> None:
        if self._current is not None:
            if text:
                self._keys[self._current] = text
            else:
                self._keys.pop(self._current, None)

    def _on_preset_activated(self, _index: int) -> None:
        from copilot.models.profiles import PRESETS

        preset = PRESETS.get(str(self.preset_combo.currentData() or ""))
        if preset is None or self._current is None or preset.kind == "embedded":
            return
        self.base_url.setText(preset.base_url or "")
        self.model_combo.setCurrentText(preset.model)
        self._store_form()

    def _on_add_clicked(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, self.tr("Add Profile"), self.tr("Profile name:"))
        if ok and name.strip():
            self.add_profile(name.strip())

    def add_profile(self, name: str, base_url: str = "http://localhost:11434/v1", model: str = "") -> None:
        from copilot.models.profiles import Profile

        if name not in self.profiles:
            self.profiles[name] = Profile(name, base_url=base_url, model=model or "model")
        self._fill_profiles(select=name)
        self._fill_profile_combos()

    def _on_remove_clicked(self) -> None:
        if self._current is None or self._current not in self.settings.profiles:
            return
        self.profiles.pop(self._current, None)
        self._edited.pop(self._current, None)
        self._removed = [*getattr(self, "_removed", []), self._current]
        self._fill_profiles(self.settings.default_profile)
        self._fill_profile_combos()

    def _on_default_clicked(self) -> None:
        if self._current is not None:
            self.default_profile_combo.setCurrentIndex(max(0, self.default_profile_combo.findData(self._current)))
            self.settings.default_profile = self._current
            self._fill_profiles(self._current)

    def select_profile(self, name: str) -> None:
        for i in range(self.profile_list.count()):
            item = self.profile_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.profile_list.setCurrentItem(item)
                return

    # -- network: models and test ------------------------------------------------------------------------
    def _provider_factory(self) -> Any:
        """A function building a provider for the form's (unsaved) profile on the worker thread.

        A key typed here is used for the URL on screen; otherwise only a key stored for that URL's
        origin is sent (``provider_for`` looks it up), never one stored for another server."""
        self._store_form()
        profile = self._profile(self._current) if self._current else None
        key = self._keys.get(self._current or "")
        if profile is not None and not self._confirm_http_key(profile.name, typed=bool(key)):
            return None, None
        profile = self._profile(self._current) if self._current else None

        def build() -> Any:
            from copilot.models import LOOKUP, provider_for

            if profile is None:
                raise RuntimeError("no profile selected")
            # The key typed in the form (not stored yet), else the stored one.
            return provider_for(profile, key or LOOKUP)

        return build, profile

    def _would_send_key(self, name: str, typed: bool) -> bool:
        from copilot.models.origin import origin_of
        from copilot.secrets import bound_origin, env_key_applies, stored_key

        p = self._profile(name)
        if typed:
            return True
        stored = stored_key(p)
        if stored is not None and bound_origin(p, stored) == origin_of(p.base_url):
            return True
        import os

        return bool(p.key_env and env_key_applies(p) and os.environ.get(p.key_env))

    def _confirm_http_key(self, name: str, *, typed: bool) -> bool:
        """Plain http:// to another machine with a key: the user confirms once per profile."""
        from copilot.models.origin import origin_of, plain_http_to_remote

        p = self._profile(name)
        if p.kind == "embedded" or p.allow_http_key or not plain_http_to_remote(origin_of(p.base_url)):
            return True
        if not self._would_send_key(name, typed):
            return True
        if not self.ask_http_confirmation(p.base_url or ""):
            self.test_result.setText(self.tr("Not sent: the key would cross the network unencrypted."))
            return False
        self._edited[name] = dataclasses.replace(p, allow_http_key=True)
        return True

    def ask_http_confirmation(self, url: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self, self.tr("Unencrypted connection"),
            self.tr("%1 uses plain http:// to another computer: the API key would be sent unencrypted and "
                    "anyone on the network could read it. Send it anyway?").replace("%1", url),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def fetch_models(self) -> None:
        build, profile = self._provider_factory()
        if profile is None:
            return

        def job(cancel: CancelToken) -> Iterator[Event]:
            yield Started("models", None)
            yield Done(build().list_models())

        self.test_result.setText(self.tr("Fetching models…"))
        self.runner.start(_RUN_KEY, job, on_done=self._on_models, on_error=self._on_net_error,
                          embedded=profile.kind == "embedded")

    def _on_models(self, models: object) -> None:
        names = [str(m) for m in models] if isinstance(models, list) else []
        current = self.model_combo.currentText()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(names or [current])
        self.model_combo.setCurrentText(current if current in names or not names else names[0])
        self.model_combo.blockSignals(False)
        self._store_form()
        self.test_result.setText(self.tr("%1 models available").replace("%1", str(len(names))))

    def test_connection(self) -> None:
        build, profile = self._provider_factory()
        if profile is None:
            return

        def job(cancel: CancelToken) -> Iterator[Event]:
            from copilot.models import ChatOptions, complete
            from copilot.models.structured import probe_structured

            yield Started("test", None)
            provider = build()
            start = time.perf_counter()
            complete(provider, [{"role": "user", "content": "ping"}], ChatOptions(max_tokens=1), cancel)
            seconds = time.perf_counter() - start
            # Learn (and remember for the profile) how this server takes structured replies.
            yield Done((seconds, probe_structured(provider, cancel)))

        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Testing…"))
        self.runner.start(_RUN_KEY, job, on_done=self._on_tested, on_error=self._on_net_error,
                          embedded=profile.kind == "embedded")

    def _on_tested(self, result: object) -> None:
        seconds, structured = result if isinstance(result, tuple) else (result, "")
        ms = round(float(seconds) * 1000) if isinstance(seconds, int | float) else 0
        self.test_result.setStyleSheet("color:#1b7f2a")
        self.test_result.setText(self.tr("✓ Connected — %1 ms; structured replies: %2").replace("%1", str(ms))
                                 .replace("%2", str(structured)))

    def _on_net_error(self, exc: BaseException) -> None:
        from ui.workspaces.base import error_text

        self.test_result.setStyleSheet("color:#c62828")
        self.test_result.setText(error_text(exc))

    # -- apply --------------------------------------------------------------------------------------------
    def apply(self) -> list[str]:
        """Save everything; returns one-line problems (e.g. a key that could not be stored)."""
        from copilot.errors import CopilotError
        from copilot.models.profiles import PRESETS, Profile
        from copilot.secrets import delete_key, set_key
        from copilot.settings import save_settings

        problems: list[str] = []
        self._store_form()
        settings = self.settings
        for name in getattr(self, "_removed", []):
            settings.profiles.pop(name, None)
        # Asked before the profiles are written, so a confirmation is saved with its profile.
        declined = {name for name in self._keys
                    if name not in self.profiles or not self._confirm_http_key(name, typed=True)}
        for name, profile in self._edited.items():
            settings.profiles[name] = profile.to_settings()
        for name, profile in self.profiles.items():
            if name not in PRESETS and name not in settings.profiles:
                settings.profiles[name] = profile.to_settings()
        settings.language = str(self.language_combo.currentData() or "")
        settings.theme = str(self.theme_combo.currentData() or "system")
        settings.author = self.author_edit.text().strip() or "Desk Copilot"
        settings.default_profile = str(self.default_profile_combo.currentData() or settings.default_profile)
        settings.workspace_profiles = {k: str(c.currentData()) for k, c in self.workspace_combos.items()
                                       if c.currentData()}
        if self.hotkey_edit.is_valid():
            settings.hotkey = self.hotkey_edit.value()
        else:
            problems.append(self.tr("The hotkey %1 cannot be used; %2 is kept.")
                            .replace("%1", self.hotkey_edit.value() or "—").replace("%2", settings.hotkey))
        settings.close_to_tray = self.close_to_tray_check.isChecked()
        autostart_changed = settings.autostart != self.autostart_check.isChecked()
        settings.autostart = self.autostart_check.isChecked()
        try:
            save_settings(settings)
        except CopilotError as exc:
            problems.append(str(exc))
        for name, key in self._keys.items():
            if name in declined:
                continue
            try:
                set_key(self._profile(name), key)
            except CopilotError as exc:
                problems.append(str(exc))
        problems.extend(self._moved_key_notices())
        for name in getattr(self, "_removed", []):
            # A later profile of the same name must not inherit the removed one's key.
            with contextlib.suppress(CopilotError):
                delete_key(Profile(name))
        if autostart_changed:  # only a change made here touches the login entry
            problems.extend(_sync_autostart(settings.autostart))
        from copilot.models import clear_provider_cache

        clear_provider_cache()
        return problems

    def _moved_key_notices(self) -> list[str]:
        """One line per edited profile whose stored key is for another server than its new URL."""
        from copilot.models.origin import origin_of
        from copilot.secrets import bound_origin, stored_key

        notices = []
        for name, p in self._edited.items():
            if name in self._keys or p.kind == "embedded":
                continue
            stored = stored_key(p)
            if stored is not None and bound_origin(p, stored) != origin_of(p.base_url):
                notices.append(self.tr("The key of profile %1 was stored for another server; it is not sent to "
                                       "%2 — enter it again.").replace("%1", name)
                               .replace("%2", p.base_url or ""))
        return notices

    def accept(self) -> None:
        problems = self.apply()
        self.runner.cancel(_RUN_KEY)
        self.sig_applied.emit()
        if problems:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, self.tr("Settings"), "\n".join(problems))
        super().accept()

    def reject(self) -> None:
        self.runner.cancel(_RUN_KEY)
        super().reject()


def _sync_autostart(wanted: bool) -> list[str]:
    """Make the login entry match the checkbox at once (the tray also follows settings.toml, but
    the app may be running without it); one-line problems."""
    from copilot.errors import CopilotError
    from ui import autostart

    try:
        if wanted and not autostart.is_enabled():
            autostart.enable()
        elif not wanted and autostart.is_enabled():
            autostart.disable()
    except CopilotError as exc:
        return [str(exc)]
    return []
