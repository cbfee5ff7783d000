"""Suggestions as Word comments (python-docx 1.2 comments API), the text left as it is."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from copilot.documents.docx.text_map import W

__all__ = ["add_paragraph_comments"]


def add_paragraph_comments(src: Path, target: Path, suggestions: dict[int, str], author: str) -> int:
    """Comment paragraph ``i`` (its index in ``word/document.xml``'s ``w:p`` order) with
    ``suggestions[i]``; save to ``target``. Returns how many comments were added."""
    import docx
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    document = docx.Document(str(src))
    paragraphs = list(document.element.iter(W + "p"))
    initials = "".join(part[0] for part in author.split() if part)[:3].upper() or "DC"
    added = 0
    for index, text in sorted(suggestions.items()):
        p: etree._Element = paragraphs[index]
        # Anchor on the paragraph's own top-level runs (the range markers must be siblings).
        runs = [r for r in p if r.tag == W + "r"]
        if not runs:
            runs = [r for r in p.iter(W + "r")][:1]
        if not runs:
            continue
        para = Paragraph(p, document._body)
        first, last = Run(runs[0], para), Run(runs[-1], para)
        document.add_comment([first, last] if first is not last else first, text=text, author=author,
                             initials=initials)
        added += 1
    document.save(str(target))
    return added
