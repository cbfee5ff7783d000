"""Light structural checks for languages with no parser on this machine: VBA, HTML, CSS, Excel formulas.

Each returns None when the structure holds, or a one-line reason. They are deliberately
forgiving: a false "failed" would send good code to the repair round.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["check_css", "check_excel_formula", "check_html", "check_vba"]

# --- VBA ---------------------------------------------------------------------------------------

_VBA_OPENERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^((public|private|friend)\s+)?(static\s+)?sub\s+\w+", re.I), "Sub"),
    (re.compile(r"^((public|private|friend)\s+)?(static\s+)?function\s+\w+", re.I), "Function"),
    (re.compile(r"^((public|private|friend)\s+)?(static\s+)?property\s+(get|let|set)\s+\w+", re.I), "Property"),
    (re.compile(r"^((public|private)\s+)?type\s+\w+\s*$", re.I), "Type"),
    (re.compile(r"^((public|private)\s+)?enum\s+\w+\s*$", re.I), "Enum"),
    (re.compile(r"^with\b", re.I), "With"),
    (re.compile(r"^select\s+case\b", re.I), "Select"),
    (re.compile(r"^for\b", re.I), "For"),
    (re.compile(r"^do\b", re.I), "Do"),
    (re.compile(r"^while\b", re.I), "While"),
)
_VBA_CLOSERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^end\s+(sub|function|property|type|enum|with|select|if)\b", re.I), ""),
    (re.compile(r"^next\b", re.I), "For"),
    (re.compile(r"^loop\b", re.I), "Do"),
    (re.compile(r"^wend\b", re.I), "While"),
)
_VBA_STRING = re.compile(r'"(?:[^"]|"")*"')


def _vba_statements(code: str) -> list[tuple[int, str]]:
    """(line number, statement) with strings blanked, comments dropped and ``_`` continuations joined."""
    out: list[tuple[int, str]] = []
    pending = ""
    pending_line = 0
    for number, raw in enumerate(code.splitlines(), 1):
        line = _VBA_STRING.sub('""', raw)
        quote = line.find("'")
        if quote >= 0:
            line = line[:quote]
        line = line.strip()
        if re.match(r"^rem\b", line, re.I):
            line = ""
        if not pending:
            pending_line = number
        if line.endswith(" _") or line == "_":
            pending += line[:-1] + " "
            continue
        statement = (pending + line).strip()
        pending = ""
        # A line may hold several statements separated by ':' (but not a label "Foo:").
        for part in re.split(r":(?!=)\s+", statement):
            if part.strip():
                out.append((pending_line, part.strip()))
    return out


def check_vba(code: str) -> str | None:
    """Sub/Function/Property/If/For/Do/With/Select blocks open and close in order."""
    stack: list[tuple[str, int]] = []
    for line, stmt in _vba_statements(code):
        if stmt.startswith("#") or re.match(r"^((public|private)\s+)?declare\b", stmt, re.I):
            continue  # conditional compilation and API declarations open no block
        if re.match(r"^(else\s*if|elseif)\b", stmt, re.I) or re.match(r"^exit\b", stmt, re.I):
            continue
        if re.match(r"^if\b", stmt, re.I):
            # Block If only when nothing follows Then ("If x Then y" is one line).
            if re.search(r"\bthen\s*$", stmt, re.I):
                stack.append(("If", line))
            continue
        closed = False
        for pattern, kind in _VBA_CLOSERS:
            m = pattern.match(stmt)
            if not m:
                continue
            want = kind or m.group(1).capitalize()
            word = stmt.split()[0] if kind else " ".join(stmt.split()[:2])
            if not stack:
                return f"line {line}: '{word}' without an opening {want}"
            top, opened = stack.pop()
            if top != want:
                return f"line {line}: '{word}' found while the {top} opened on line {opened} is still open"
            closed = True
            break
        if closed:
            continue
        for pattern, kind in _VBA_OPENERS:
            if pattern.match(stmt):
                # "Do ... Loop" and "For ... Next" written on one line open nothing.
                if kind in ("For", "Do", "While") and re.search(r":\s*(next|loop|wend)\b", stmt, re.I):
                    break
                stack.append((kind, line))
                break
    if stack:
        kind, opened = stack[-1]
        return f"the {kind} opened on line {opened} is never closed"
    return None


# --- HTML --------------------------------------------------------------------------------------

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr", "keygen", "command", "basefont", "frame", "isindex"})
# End tags the HTML spec lets authors leave out: never an error to leave these open.
_OPTIONAL_END = frozenset({"html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td",
                           "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rt", "rp"})


class _TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <div/>: opens and closes

    def handle_endtag(self, tag: str) -> None:
        if self.problem or tag in _VOID:
            return
        line = self.getpos()[0]
        if not any(open_tag == tag for open_tag, _ in self.stack):
            self.problem = f"line {line}: </{tag}> has no matching <{tag}>"
            return
        while self.stack:
            open_tag, opened = self.stack.pop()
            if open_tag == tag:
                return
            if open_tag not in _OPTIONAL_END:
                self.problem = f"line {line}: </{tag}> closes <{tag}> but <{open_tag}> from line {opened} is still open"
                return


def check_html(code: str) -> str | None:
    """Tags balance (void elements and optional end tags allowed)."""
    parser = _TagBalance()
    parser.feed(code)
    parser.close()
    if parser.problem:
        return parser.problem
    unclosed = [(t, n) for t, n in parser.stack if t not in _OPTIONAL_END]
    if unclosed:
        tag, line = unclosed[-1]
        return f"<{tag}> opened on line {line} is never closed"
    return None


# --- CSS ---------------------------------------------------------------------------------------

_PROPERTY = re.compile(r"^(--[\w-]+|-?[a-zA-Z][a-zA-Z0-9-]*|\*[a-zA-Z-]+)\s*:")


def check_css(code: str) -> str | None:
    """Comments and strings terminate, braces balance, declarations inside blocks are ``name: value``."""
    stack: list[int] = []
    buffer: list[str] = []
    line = 1
    i = 0
    n = len(code)

    def declaration(text: str, at: int) -> str | None:
        text = text.strip()
        if not text or text.startswith("@"):
            return None
        if not stack:
            return f"line {at}: '{text[:40]}' is outside any rule block"
        if not _PROPERTY.match(text):
            return f"line {at}: '{text[:40]}' is not a 'property: value' declaration"
        return None

    while i < n:
        ch = code[i]
        if ch == "\n":
            line += 1
        if code.startswith("/*", i):
            end = code.find("*/", i + 2)
            if end < 0:
                return f"line {line}: comment never closed"
            line += code.count("\n", i, end)
            i = end + 2
            continue
        if ch in "\"'":
            end = i + 1
            while end < n and code[end] != ch and code[end] != "\n":
                end += 2 if code[end] == "\\" else 1
            if end >= n or code[end] != ch:
                return f"line {line}: string never closed"
            buffer.append(code[i:end + 1])
            i = end + 1
            continue
        if ch == "{":
            stack.append(line)
            buffer = []
        elif ch == "}":
            if not stack:
                return f"line {line}: '}}' without a matching '{{'"
            problem = declaration("".join(buffer), line)
            if problem and "".join(buffer).strip():
                return problem
            stack.pop()
            buffer = []
        elif ch == ";":
            problem = declaration("".join(buffer), line)
            if problem:
                return problem
            buffer = []
        else:
            buffer.append(ch)
        i += 1
    if stack:
        return f"line {stack[-1]}: '{{' never closed"
    rest = "".join(buffer).strip()
    if rest:
        return f"'{rest[:40]}' at the end is not inside a rule block"
    return None


# --- Excel formulas ----------------------------------------------------------------------------

_FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "；": ";", "＝": "=", "：": ":", "“": '"', "”": '"'}


def check_excel_formula(formula: str) -> str | None:
    """openpyxl's tokenizer accepts it, parentheses balance, no full-width punctuation outside quotes."""
    from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

    text = formula.strip()
    if not text.startswith("="):
        text = "=" + text
    depth = 0
    in_string = False
    in_sheet = False
    for pos, ch in enumerate(text):
        if ch == '"' and not in_sheet:
            in_string = not in_string
        elif ch == "'" and not in_string:
            in_sheet = not in_sheet
        elif in_string or in_sheet:
            continue
        elif ch in _FULL_WIDTH:
            return f"full-width '{ch}' at position {pos} — Excel needs '{_FULL_WIDTH[ch]}'"
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return f"')' at position {pos} has no matching '('"
    if in_string:
        return "a string (\"...\") is never closed"
    if depth > 0:
        return f"{depth} '(' never closed"
    try:
        tokens = Tokenizer(text).items
    except TokenizerError as exc:
        return f"openpyxl tokenizer: {exc}"
    if not tokens:
        return "the formula is empty"
    return None
