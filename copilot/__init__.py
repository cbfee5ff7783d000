"""Desk Copilot core: models, prompts, documents and tasks. Never imports Qt."""

__version__ = "0.1.0"
