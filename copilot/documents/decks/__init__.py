"""PowerPoint decks: the outline format, building in a user's template, reading decks back.

Modules: ``outline`` (the Markdown outline), ``layouts`` (layouts by placeholder type), ``fit``
(how much text a box holds), ``build``, ``read``, ``critique`` (checks without a model), ``open``
(opening user files safely), ``source`` (.docx/.md/.txt input for outlines). python-pptx is
imported only where a deck is opened or built.
"""

from __future__ import annotations

from copilot.documents.decks.outline import (
    LAYOUTS,
    Bullet,
    Layout,
    Outline,
    OutlineError,
    Slide,
    parse_outline,
    read_outline_file,
    write_outline,
)

__all__ = ["LAYOUTS", "Bullet", "Layout", "Outline", "OutlineError", "Slide", "parse_outline",
           "read_outline_file", "write_outline"]
