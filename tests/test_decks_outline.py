"""The outline Markdown format: exact round trips, lenient reading, one-line errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from copilot.documents.decks.outline import (
    Bullet,
    Outline,
    OutlineError,
    Slide,
    parse_outline,
    read_outline_file,
    write_outline,
)
from copilot.errors import BadDocument, EmptyDocument
from tests.decks_helpers import SAMPLE_MD


def test_canonical_text_round_trips_exactly() -> None:
    outline = parse_outline(SAMPLE_MD)
    assert write_outline(outline) == SAMPLE_MD
    assert outline.title == "Q3 Customer Service Review"
    assert outline.subtitle == ("Management briefing", "October 2026")
    agenda = outline.slides[0]
    assert agenda.bullets[2] == Bullet("Staffing", 2 - 1) and agenda.bullets[3] == Bullet("Night shift", 2)
    assert agenda.notes == "Keep this short.\nSecond line of notes."
    assert outline.slides[1].layout == "section"
    assert outline.slides[2].right == (Bullet("Right one"),)
    assert outline.slides[3].notes == "重点讲投诉下降的原因。"
    assert outline.slides[4].kind == "closing"


_WORDS = ["alpha", "beta", "销售", "增长 12%", "- dash", "# hash", "Notes: x", "<!-- c -->", "\\back", "1. one"]


def _random_outline(rng: random.Random) -> Outline:
    def text() -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4)))

    slides = []
    for _ in range(rng.randint(0, 6)):
        bullets = []
        level = 0
        for _ in range(rng.randint(0, 5)):
            level = rng.randint(0, min(4, level + 1))
            bullets.append(Bullet(text(), level))
        layout = rng.choice([None, "title", "section", "content", "two-content", "closing"])
        right = tuple(Bullet(text()) for _ in range(rng.randint(0, 2))) if layout == "two-content" else ()
        notes = "\n".join(text() for _ in range(rng.randint(0, 3)))
        slides.append(Slide(text(), tuple(bullets), notes, layout, right))  # type: ignore[arg-type]
    subtitle = tuple(text() for _ in range(rng.randint(0, 2)))
    return Outline(text(), subtitle, tuple(slides)).normalised()


def test_random_outlines_survive_write_then_parse() -> None:
    rng = random.Random(5)
    for _ in range(300):
        outline = _random_outline(rng)
        text = write_outline(outline)
        assert parse_outline(text) == outline, text
        assert write_outline(parse_outline(text)) == text


def test_lenient_input_is_normalised() -> None:
    text = "\ufeff# Deck\r\n\r\n## One\r\n* star\r\n\t- tab child\r\n1. numbered\r\nplain line\r\nnotes: said\r\n"
    outline = parse_outline(text)
    assert outline.slides[0].bullets == (Bullet("star"), Bullet("tab child", 1), Bullet("numbered"),
                                         Bullet("plain line"))
    assert outline.slides[0].notes == "said"
    assert parse_outline("# 标题\n\n## 页\n- 要点\n\n备注：讲稿\n").slides[0].notes == "讲稿"


def test_code_fence_from_a_model_reply_is_ignored() -> None:
    outline = parse_outline("```markdown\n# Deck\n## One\n- a\n```\n")
    assert outline.slides[0].bullets == (Bullet("a"),)


def test_no_title_uses_first_slide_title() -> None:
    assert parse_outline("## Only slide\n- x\n").title == "Only slide"


def test_unknown_layout_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(OutlineError) as info:
        parse_outline("# D\n\n## S\n<!-- layout: fancy -->\n", source=tmp_path / "d.md")
    message = str(info.value)
    assert "d.md" in message and "line 4" in message and "fancy" in message and "\n" not in message


def test_second_title_is_an_error() -> None:
    with pytest.raises(OutlineError, match="line 3"):
        parse_outline("# A\n\n# B\n")


def test_empty_outline_is_refused() -> None:
    with pytest.raises(EmptyDocument):
        parse_outline("just some text\n")


def test_read_outline_file_errors(tmp_path: Path) -> None:
    with pytest.raises(BadDocument, match="not found"):
        read_outline_file(tmp_path / "missing.md")
    bad = tmp_path / "latin1.md"
    bad.write_bytes("# Caf\xe9\n".encode("latin-1"))
    with pytest.raises(BadDocument, match="UTF-8"):
        read_outline_file(bad)
