"""The model in view: which profile and model the current workspace talks to, where it runs
(hosted / local server / embedded), a demo-grade mark for the embedded SmolLM2 model, and a menu
to switch the profile for that workspace. Used in the main window's status bar; the quick window
shows the same text in its footer (``model_text``)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

__all__ = ["ModelIndicator", "model_text", "resolve_model"]

log = logging.getLogger(__name__)


def resolve_model(profile_name: str | None) -> Any:
    """The ModelInfo of a workspace's profile (its own, else the default); None if it cannot be read."""
    from copilot.errors import CopilotError
    from copilot.models.describe import describe_profile
    from copilot.models.profiles import get_profile

    try:
        return describe_profile(get_profile(profile_name))
    except CopilotError as exc:
        log.debug("no profile to show: %s", exc)
        return None


def model_text(info: Any) -> str:
    """"fake · fake-model · local server", with "· demo-grade" for the embedded demo model."""
    if info is None:
        return QCoreApplication.translate("ModelIndicator", "No model profile")
    where = {"hosted": QCoreApplication.translate("ModelIndicator", "hosted"),
             "local server": QCoreApplication.translate("ModelIndicator", "local server"),
             "embedded": QCoreApplication.translate("ModelIndicator", "embedded")}[info.where]
    parts = [info.profile, info.model, where] if info.model and info.model != info.profile else [info.profile, where]
    text = " · ".join(parts)
    return text + " · " + QCoreApplication.translate("ModelIndicator", "demo-grade") if info.demo else text


class ModelIndicator(QToolButton):
    """Status-bar button: the current workspace's model; its menu switches that workspace's profile."""

    sig_profile_chosen = Signal(str)
    """A profile name, or "" for "use the default profile"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelIndicator")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = QMenu(self)
        self._menu.aboutToShow.connect(self._fill_menu)
        self.setMenu(self._menu)
        self.info: Any = None
        self.workspace_profile: str | None = None
        self.setText(QCoreApplication.translate("ModelIndicator", "No model profile"))

    def show_model(self, info: Any, workspace_profile: str | None) -> None:
        self.info = info
        self.workspace_profile = workspace_profile
        self.setText(model_text(info))
        if info is not None and info.demo:
            self.setStyleSheet("QToolButton { color: #b26a00; font-weight: bold; }")
            tip = QCoreApplication.translate("ModelIndicator", "The embedded SmolLM2-135M model is a small demo model: fine for trying the app, weak at real documents. Choose a stronger profile here or in Settings.")
        else:
            self.setStyleSheet("")
            tip = ""
        target = info.target if info is not None else ""
        lead = QCoreApplication.translate("ModelIndicator", "Profile %1 at %2. Click to choose the profile for this workspace.").replace(
            "%1", info.profile if info is not None else "—").replace("%2", target)
        self.setToolTip(lead + ("\n" + tip if tip else ""))

    def _fill_menu(self) -> None:
        from copilot.errors import CopilotError
        from copilot.models.describe import describe_profile
        from copilot.models.profiles import all_profiles

        self._menu.clear()
        group = QActionGroup(self._menu)
        default = QAction(QCoreApplication.translate("ModelIndicator", "Use the default profile"), self._menu)
        default.setCheckable(True)
        default.setChecked(not self.workspace_profile)
        default.triggered.connect(lambda: self.sig_profile_chosen.emit(""))
        group.addAction(default)
        self._menu.addAction(default)
        self._menu.addSeparator()
        try:
            profiles = all_profiles()
        except CopilotError as exc:
            log.debug("cannot list profiles: %s", exc)
            return
        for name, profile in sorted(profiles.items()):
            action = QAction(model_text(describe_profile(profile)), self._menu)
            action.setCheckable(True)
            action.setChecked(name == self.workspace_profile)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.sig_profile_chosen.emit(n))
            group.addAction(action)
            self._menu.addAction(action)
