"""Finding the code in a model's reply: fences with or without a tag, several blocks, no fences at all.

The reply is data. Nothing here runs it; the result is plain text handed to a checker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from copilot.code.languages import GENERIC_TAGS, Language

__all__ = ["Block", "Extracted", "extract_code", "find_blocks"]

Method = Literal["fence", "no-fence", "inline", "empty"]

_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\n]*?)\s*$")
_THINK = re.compile(r"<think>.*?(</think>|\Z)", re.DOTALL | re.IGNORECASE)
_INLINE = re.compile(r"(?<!`)`(?P<body>[^`\n]+)`(?!`)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CHATTER_START = re.compile(
    r"^((here('s| is| are)|sure|certainly|of course|okay|ok|below|the following|this (is|will|code|formula|"
    r"pattern|script|query|function|macro|regex)|note|explanation|you can|to use)\b(?!\s*[=(.\[])"
    r"|以下|下面|当然|好的|这是|这个|该|说明|注意|解释|用法|使用方法)", re.IGNORECASE)
_CODE_CHARS = re.compile(r"[;{}()=<>\[\]$]|^\s*[#@/'\-]|:=|=>|->")


@dataclass(frozen=True)
class Block:
    tag: str
    """The fence's info word, lower case ('' when untagged)."""
    code: str
    start: int
    """Index of the opening fence line."""
    end: int
    """Index one past the closing fence line (the end of the reply when unclosed)."""


@dataclass(frozen=True)
class Extracted:
    code: str
    explanation: str
    """Everything in the reply that is not the chosen code (chatter, notes, other blocks)."""
    method: Method
    tag: str = ""


def _tag(info: str) -> str:
    word = info.split()[0] if info.split() else ""
    return word.strip("{}.").lower()


def find_blocks(lines: list[str]) -> list[Block]:
    """Fenced blocks of a Markdown reply. An unclosed last fence runs to the end (truncated reply)."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        fence, tag = m.group("fence"), _tag(m.group("info"))
        body: list[str] = []
        j = i + 1
        closed = False
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                closed = True
                break
            if stripped.endswith(fence) and len(stripped) > len(fence):
                # "last code line```": some models glue the closing fence to the code.
                body.append(lines[j].rstrip()[: -len(fence)])
                closed = True
                break
            body.append(lines[j])
            j += 1
        blocks.append(Block(tag, "\n".join(body), i, j + 1 if closed else len(lines)))
        i = j + 1
    return blocks


def _pick(blocks: list[Block], lang: Language) -> Block:
    chosen: list[Block] = blocks
    # Its own tag first, then untagged/"text" fences, then a related language's tag, else any block.
    for accepted in (frozenset(lang.fence_tags), GENERIC_TAGS, frozenset(lang.related)):
        matching = [b for b in blocks if b.tag in accepted]
        if matching:
            chosen = matching
            break
    # Models lead with the answer; later blocks of the same language are usage examples or
    # "alternatively ..." variants. An empty first block (a stray fence) does not count.
    return next((b for b in chosen if b.code.strip()), chosen[0])


def _is_prose(line: str) -> bool:
    text = line.strip()
    if not text:
        return True
    if _CHATTER_START.match(text):
        return True
    if text.endswith((":", "：")) and (" " in text or _CJK.search(text)) and not _CODE_CHARS.search(text):
        return True
    if _CODE_CHARS.search(text):
        return False
    if _CJK.search(text):
        return True
    words = text.split()
    return len(words) >= 5 and text[0].isupper() and text.endswith((".", "!", "?"))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _one_line(reply: str, lang: Language) -> Extracted | None:
    spans = [m for m in _INLINE.finditer(reply) if m.group("body").strip()]
    if lang.name == "excel-formula":
        spans = [m for m in spans if m.group("body").lstrip().startswith("=")] or spans
    if spans:
        best = max(spans, key=lambda m: len(m.group("body")))
        code = best.group("body").strip()
        rest = reply[: best.start()] + reply[best.end():]
        return Extracted(code, _tidy(rest), "inline")
    lines = reply.splitlines()
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if lang.name == "excel-formula":
            m = re.search(r"(^|\s)(=\s*[A-Za-z_]+[A-Za-z0-9_.]*\s*\(.*)$", text) or re.match(r"^(=)(.*)$", text)
            if not m:
                continue
            code = m.group(2) if m.group(1) != "=" else "=" + m.group(2)
        elif _is_prose(text):
            continue
        else:
            code = text
        rest = "\n".join(lines[:i] + lines[i + 1:])
        return Extracted(code.strip(), _tidy(rest), "no-fence")
    return None


def extract_code(reply: str, lang: Language) -> Extracted:
    """The code for ``lang`` in ``reply`` and the explanation around it."""
    reply = _THINK.sub("", reply.replace("\r\n", "\n")).strip("\n")
    lines = reply.splitlines()
    blocks = find_blocks(lines)
    if blocks:
        block = _pick(blocks, lang)
        rest = lines[: block.start] + lines[block.end:]
        return Extracted(block.code.strip("\n"), _tidy("\n".join(rest)), "fence", block.tag)
    if not reply.strip():
        return Extracted("", "", "empty")
    if lang.one_line:
        found = _one_line(reply, lang)
        if found is not None:
            return found
    # No fences: the code is what is left once leading and trailing prose lines are dropped.
    start, end = 0, len(lines)
    while start < end and _is_prose(lines[start]):
        start += 1
    while end > start and _is_prose(lines[end - 1]):
        end -= 1
    if start == end:  # all prose: hand the whole reply over, the checker will say what it thinks
        return Extracted(reply.strip(), "", "no-fence")
    code = "\n".join(lines[start:end])
    explanation = "\n".join(lines[:start] + lines[end:])
    return Extracted(code.strip("\n"), _tidy(explanation), "no-fence")
