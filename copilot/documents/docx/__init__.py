"""Word documents: opening (typed errors for bad input), a text map over the XML, word/CJK
diffs, tracked changes applied run by run, and comments."""

from copilot.documents.docx.open import DocxPackage, open_docx
from copilot.documents.docx.text_map import ParaMap, iter_paragraphs

__all__ = ["DocxPackage", "ParaMap", "iter_paragraphs", "open_docx"]
