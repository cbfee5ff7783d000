"""Hostile prompt templates and collections: hotkeys taken from files, render-time DoS, Fabric
symlinks to /proc and /dev, ids with a trailing newline. Every case ends within its bound with a
one-line message, and nothing foreign lands in the library."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from copilot.errors import PromptError
from copilot.prompts import get_template
from copilot.prompts.library import user_path
from copilot.prompts.sandbox import RENDER_SECONDS
from copilot.prompts.template import Template
from copilot.prompts.transfer import import_path, import_preview, preview_import

HOSTILE = Path(__file__).resolve().parent / "hostile" / "templates"


# -- item 2: a file never chooses a hotkey ----------------------------------------------------------
def test_imported_template_loses_its_hotkey(tmp_path: Path) -> None:
    report = import_path(HOSTILE / "hotkey_copy.md")
    assert report.imported == ["hostile.hotkey_copy"], report.skipped
    assert get_template("hostile.hotkey_copy").spec.hotkey is None
    assert "hotkey:" not in user_path("hostile.hotkey_copy").read_text(encoding="utf-8")
    assert len(report.notes) == 1 and "hotkey" in report.notes[0][1] and "\n" not in report.notes[0][1]


@pytest.mark.parametrize("name", ["hotkey_quoted.md", "hotkey_flow.md"])
def test_hotkey_in_any_yaml_spelling_never_survives(name: str) -> None:
    report = import_path(HOSTILE / name)
    for tid in report.imported:
        assert get_template(tid).spec.hotkey is None
    for _item, why in report.skipped:
        assert "\n" not in why and "hotkey" in why


def test_hotkey_stripped_from_zip_members(tmp_path: Path) -> None:
    archive = tmp_path / "shared.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.md", (HOSTILE / "hotkey_copy.md").read_text(encoding="utf-8"))
    assert import_path(archive).imported == ["hostile.hotkey_copy"]
    assert get_template("hostile.hotkey_copy").spec.hotkey is None


def test_preview_shows_what_will_be_added_and_import_adds_exactly_that(tmp_path: Path) -> None:
    src = tmp_path / "mine.md"
    src.write_text((HOSTILE / "hotkey_copy.md").read_text(encoding="utf-8"), encoding="utf-8")
    preview = preview_import(src)
    assert not user_path("hostile.hotkey_copy").exists()  # nothing added by looking
    [(label, text, note)] = preview.items()
    assert label == "mine.md" and text is not None and "hotkey:" not in text and note
    src.write_text("changed after review", encoding="utf-8")  # the reviewed text is what gets added
    assert import_preview(preview).imported == ["hostile.hotkey_copy"]


# -- item 6: Fabric import reads regular files inside the folder only --------------------------------
@pytest.mark.skipif(os.name == "nt", reason="symlinks to /proc and /dev are POSIX cases")
@pytest.mark.parametrize("target", ["/proc/self/environ", "/dev/zero", "OUTSIDE"])
def test_fabric_symlink_out_of_the_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     target: str) -> None:
    monkeypatch.setenv("DESK_COPILOT_KEY", "sk-canary-environ-123")
    outside = tmp_path / "secret.md"
    outside.write_text("sk-canary-outside-456", encoding="utf-8")
    patterns = tmp_path / "patterns"
    (patterns / "leak").mkdir(parents=True)
    (patterns / "ok").mkdir()
    (patterns / "ok" / "system.md").write_text("You are helpful.", encoding="utf-8")
    link_target = str(outside) if target == "OUTSIDE" else target
    if not Path(link_target).exists():
        pytest.skip(f"{link_target} not on this system")
    (patterns / "leak" / "system.md").symlink_to(link_target)
    start = time.monotonic()
    report = import_path(patterns)
    assert time.monotonic() - start < 5
    assert report.imported == ["imported.ok"]
    [(item, why)] = report.skipped
    assert item == "leak/system.md" and "\n" not in why and "outside" in why
    library = user_path("imported.ok").parent
    for path in library.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"sk-canary" not in data


@pytest.mark.skipif(os.name == "nt", reason="device files and FIFOs are POSIX cases")
def test_device_and_fifo_inside_the_folder_are_not_read(tmp_path: Path) -> None:
    patterns = tmp_path / "patterns"
    (patterns / "fifo").mkdir(parents=True)
    os.mkfifo(patterns / "fifo" / "system.md")  # opening it for reading would wait for a writer forever
    start = time.monotonic()
    report = import_path(patterns)
    assert time.monotonic() - start < 5
    assert not report.imported
    assert report.skipped == [("fifo/system.md", "system.md: not a regular file; not imported")]


def test_symlinked_folder_outside_is_not_walked(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.md").write_text((HOSTILE / "hotkey_copy.md").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "collection"
    folder.mkdir()
    try:
        (folder / "more").symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("no symlinks here")
    report = import_path(folder)
    assert not report.imported and "outside" in report.skipped[0][1]


def test_big_file_read_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.prompts.transfer as transfer

    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.md"
    big.write_text("---\n" + "x" * 5000, encoding="utf-8")
    report = import_path(big)
    assert report.skipped == [("big.md", "big.md: too large to import (limit 0 MB)")]


# -- item 5: templates cannot exhaust CPU or memory ------------------------------------------------
@pytest.mark.parametrize("path", sorted(HOSTILE.glob("dos_*.md")), ids=lambda p: p.stem)
def test_dos_template_fails_in_one_line_within_bounds(path: Path) -> None:
    template = Template.from_text(path.read_text(encoding="utf-8"), where=path.name)
    start = time.monotonic()
    with pytest.raises(PromptError) as info:
        template.render({"text": "hello"}, lang="en")
    elapsed = time.monotonic() - start
    message = str(info.value)
    assert "\n" not in message and path.name in message
    assert elapsed < RENDER_SECONDS + 3, f"{path.name} took {elapsed:.1f} s"


def test_reasonable_templates_still_render() -> None:
    source = ("---\nid: mine.fine\nname: {zh: f, en: f}\ncategory: mine\ninputs: {text: {type: text}}\n---\nuser:\n"
              "{% for i in range(3) %}{{ i }}{% endfor %} {{ '%5d'|format(3) }} {{ text|center(9) }} "
              "{{ '{:>4}'.format(7) }} {{ text ~ '!' }} {{ 2 ** 10 }} {{ text|indent(2) }}\n")
    rendered = Template.from_text(source, where="fine.md").render({"text": "hi"}, lang="en")
    assert rendered.messages[-1]["content"] == f"012     3 {'hi'.center(9)}    7 hi! 1024 hi"


# -- item 13: ids are whole-string matches ---------------------------------------------------------
def test_id_with_trailing_newline_is_refused() -> None:
    with pytest.raises(PromptError) as info:
        Template.from_text((HOSTILE / "bad_id_newline.md").read_text(encoding="utf-8"), where="bad_id_newline.md")
    assert "\n" not in str(info.value).replace("\\n", "")
    report = import_path(HOSTILE / "bad_id_newline.md")
    assert not report.imported and len(report.skipped) == 1


def test_zip_member_sizes_are_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.prompts.transfer as transfer

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.md", "---\n" + "x" * 200_000)
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(buffer.getvalue())
    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 100_000)
    report = import_path(archive)
    assert report.skipped == [("bomb.zip:bomb.md", "member too large")]
