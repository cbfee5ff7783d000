"""Chunks: pieces of a document of about 800–1,000 characters that follow its structure.

A reader yields ``Block``s (a paragraph, a slide, a page, a run of rows) with a locator and the
heading path above them; ``pack`` merges neighbouring blocks under the same heading into chunks
and splits a block that is too long at sentence ends, each piece keeping the block's locator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_CHARS", "TARGET_CHARS", "Block", "Chunk", "pack", "split_long"]

TARGET_CHARS = 900
MAX_CHARS = 1000
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;.])\s*|\n+")


@dataclass(frozen=True)
class Block:
    text: str
    locator: dict[str, Any]
    heading: str = ""
    """The heading path above the block, " › "-joined ("制度 › 差旅")."""
    breaks: bool = False
    """True when the block must start a new chunk (a new slide, page or sheet window)."""
    is_heading: bool = False
    """A heading: the chunk it starts is located at the first paragraph under it."""


@dataclass(frozen=True)
class Chunk:
    text: str
    locator: dict[str, Any]
    heading: str = ""


def split_long(text: str, limit: int = MAX_CHARS, target: int = TARGET_CHARS) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, at sentence ends where possible."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _sentences(text):
        while len(sentence) > limit:  # one enormous sentence: cut it hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:target])
            sentence = sentence[target:]
        if current and len(current) + len(sentence) > target:
            pieces.append(current)
            current = ""
        current += sentence
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def _sentences(text: str) -> Iterator[str]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start:
            yield text[start:end]
            start = end
    if start < len(text):
        yield text[start:]


def pack(blocks: Iterable[Block]) -> list[Chunk]:
    """Blocks merged into chunks of about ``TARGET_CHARS``; a chunk never spans two headings."""
    chunks: list[Chunk] = []
    parts: list[str] = []
    locator: dict[str, Any] = {}
    heading = ""
    size = 0
    located = False

    def flush() -> None:
        nonlocal parts, size, located
        if parts:
            chunks.append(Chunk("\n".join(parts), locator, heading))
        parts, size, located = [], 0, False

    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.breaks or block.heading != heading or size + len(text) > TARGET_CHARS:
            flush()
        for piece in split_long(text):
            if parts and size + len(piece) > TARGET_CHARS:
                flush()
            if not parts:
                locator, heading = block.locator, block.heading
            elif not located and not block.is_heading:
                locator = block.locator
            located = located or not block.is_heading
            parts.append(piece)
            size += len(piece) + 1
    flush()
    return chunks
