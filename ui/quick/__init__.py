"""The quick action: a hotkey anywhere → a small window acting on the selected text.

``QuickService`` (service.py) ties together the hotkey backend (ui.hotkeys), the capture and
paste helpers (ui.clipboard), the window (window.py) and the core task (copilot.tasks.quick_action).
"""

from __future__ import annotations

__all__ = ["QuickService"]


def __getattr__(name: str) -> object:
    # Lazy, so importing a ui.quick submodule in a test does not build the whole service.
    if name == "QuickService":
        from ui.quick.service import QuickService

        return QuickService
    raise AttributeError(name)
