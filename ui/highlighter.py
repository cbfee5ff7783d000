"""Syntax highlighting for the code editor: Pygments tokens when Pygments is installed, else a small
keyword/string/comment highlighter. Lexing is per line (block), which is what QSyntaxHighlighter
offers; multi-line strings are approximated, which is fine for snippets."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

__all__ = ["CodeHighlighter"]

_LEXER_NAMES = {
    "excel-formula": "text", "regex": "text", "vba": "vbnet", "powershell": "powershell", "bash": "bash",
}
_FALLBACK_KEYWORDS = (
    "and|as|async|await|break|case|class|const|continue|def|default|do|elif|else|end|except|false|"
    "finally|for|from|function|if|import|in|interface|is|let|new|not|null|or|pass|private|public|"
    "return|select|static|switch|then|this|throw|true|try|type|var|void|while|with|yield|"
    "SELECT|FROM|WHERE|GROUP|BY|ORDER|JOIN|LEFT|ON|AS|AND|OR|LIMIT|HAVING|INSERT|UPDATE|DELETE|Sub|End|Dim"
)


def _fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(QColor(color))
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    f.setFontItalic(italic)
    return f


class CodeHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, language: str = "python", dark: bool = False) -> None:
        super().__init__(document)
        self._dark = dark
        self._lexer: Any = None
        self._formats: dict[str, QTextCharFormat] = {}
        self._setup_formats()
        self.set_language(language)

    def _setup_formats(self) -> None:
        d = self._dark
        self._formats = {
            "Keyword": _fmt("#c678dd" if d else "#0033b3", bold=True),
            "Name.Builtin": _fmt("#56b6c2" if d else "#0b7285"),
            "Name.Function": _fmt("#61afef" if d else "#00627a"),
            "Name.Class": _fmt("#e5c07b" if d else "#795e26", bold=True),
            "String": _fmt("#98c379" if d else "#067d17"),
            "Number": _fmt("#d19a66" if d else "#1750eb"),
            "Comment": _fmt("#7f848e" if d else "#8c8c8c", italic=True),
            "Operator": _fmt("#abb2bf" if d else "#444444"),
        }

    def set_language(self, language: str) -> None:
        self._lexer = None
        try:
            from pygments.lexers import get_lexer_by_name
            from pygments.util import ClassNotFound
        except ImportError:
            self._lexer = None
        else:
            try:
                self._lexer = get_lexer_by_name(_LEXER_NAMES.get(language, language), stripnl=False,
                                                ensurenl=False)
            except ClassNotFound:
                self._lexer = None
        self.rehighlight()

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self._setup_formats()
        self.rehighlight()

    def _format_for(self, token_type: Any) -> QTextCharFormat | None:
        while token_type is not None:
            name = ".".join(token_type[1:]) if hasattr(token_type, "__getitem__") else str(token_type)
            for key in (name, name.split(".")[0]):
                if key in self._formats:
                    return self._formats[key]
            token_type = getattr(token_type, "parent", None)
            if token_type is not None and len(token_type) == 0:
                return None
        return None

    def highlightBlock(self, text: str) -> None:
        if self._lexer is not None:
            pos = 0
            for token_type, value in self._lexer.get_tokens(text):
                fmt = self._format_for(token_type)
                if fmt is not None and value:
                    self.setFormat(pos, len(value), fmt)
                pos += len(value)
            return
        for m in re.finditer(rf"\b({_FALLBACK_KEYWORDS})\b", text):
            self.setFormat(m.start(), m.end() - m.start(), self._formats["Keyword"])
        for m in re.finditer(r"\b\d+(\.\d+)?\b", text):
            self.setFormat(m.start(), m.end() - m.start(), self._formats["Number"])
        for m in re.finditer(r"(\"[^\"]*\"|'[^']*')", text):
            self.setFormat(m.start(), m.end() - m.start(), self._formats["String"])
        comment = re.search(r"(#|//|--|').*$", text)
        if comment and not text[: comment.start()].count('"') % 2:
            self.setFormat(comment.start(), len(text) - comment.start(), self._formats["Comment"])
