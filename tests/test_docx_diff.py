"""The word-level diff: edits rebuild the rewrite exactly, and only the changed middle is marked."""

from __future__ import annotations

import random

import pytest

from copilot.documents.docx.diff import Edit, diff_edits


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


@pytest.mark.parametrize(("old", "new"), [
    ("the team has finished the draft plan", "the team has finished the revised draft plan"),
    ("请各部门在周五前提交计划。", "敬请各部门在周五前提交计划。"),
    ("same words same words", "same words"),
    ("a b a b a", "a b a"),
    ("", "added"),
    ("removed", ""),
    ("x ⟦1⟧ y ⟦2⟧ z", "x ⟦1⟧ why ⟦2⟧ z"),
])
def test_edits_rebuild_the_rewrite(old: str, new: str) -> None:
    assert _apply(old, diff_edits(old, new)) == new


def test_a_small_change_in_a_long_paragraph_is_one_small_edit() -> None:
    words = [f"word{i}" for i in range(400)]
    old = " ".join(words)
    new = " ".join([*words[:200], "inserted", *words[200:]])
    edits = diff_edits(old, new)
    assert _apply(old, edits) == new
    assert len(edits) == 1 and edits[0].start == edits[0].end and edits[0].text.strip() == "inserted"


def test_random_rewrites_round_trip() -> None:
    rng = random.Random(17)
    vocab = ["the", "plan", "draft", "team", " ", ", ", "计", "划", "15%", "¥1,000", "—"]
    for _ in range(300):
        old = "".join(rng.choice(vocab) for _ in range(rng.randint(0, 40)))
        new = list(old)
        for _ in range(rng.randint(0, 4)):
            at = rng.randint(0, len(new))
            new[at:at + rng.randint(0, 3)] = rng.choice(vocab)
        assert _apply(old, diff_edits(old, "".join(new))) == "".join(new)
