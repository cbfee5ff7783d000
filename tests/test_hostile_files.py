"""Files written: fsync before the rename, the overwritten file's mode kept, the polish chunk cache
bounded and obeying store_text_in_history, a .docm polished into a .docm."""

from __future__ import annotations

import os
import stat
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from copilot import atomic
from copilot.errors import UsageError
from copilot.paths import cache_dir
from copilot.settings import load_settings, save_settings
from copilot.tasks.polish.chunks import RESUME_MAX_AGE, ChunkCache
from tests import test_polish_fakes as fakes
from tests.test_polish_task import make_doc, run


def test_file_and_folder_are_flushed_before_and_after_the_rename(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", spy)
    atomic.write_text(tmp_path / "out.txt", "hello")
    assert synced[0] == "file"
    if sys.platform != "win32":
        assert synced[-1] == "dir"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_overwritten_file_keeps_its_mode_and_new_files_get_the_usual_one(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic.write_bytes(target, b"new", force=True)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = atomic.write_bytes(tmp_path / "fresh.bin", b"x")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~atomic._UMASK  # not mkstemp's 0600


def _polish_twice(fake_server: Any, fake_profile: str, tmp_path: Path) -> int:
    fake_server.set_default(fakes.model(fakes.upper))
    src = make_doc(tmp_path / "d.docx", 6)
    assert run(fake_profile, src, tmp_path / "a.docx").changed == 6
    fake_server.reset()
    run(fake_profile, src, tmp_path / "b.docx")
    return int(fake_server.request_count)


def test_chunk_cache_keeps_no_text_when_history_text_is_off(fake_server: Any, fake_profile: str,
                                                          tmp_path: Path) -> None:
    assert load_settings().store_text_in_history is False  # the default
    assert _polish_twice(fake_server, fake_profile, tmp_path) >= 1  # asked again: nothing was kept
    assert not list((cache_dir() / "polish").glob("*/*.json"))


def test_chunk_cache_is_reused_when_history_text_is_on(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    settings = load_settings()
    settings.store_text_in_history = True
    save_settings(settings)
    assert _polish_twice(fake_server, fake_profile, tmp_path) == 0
    assert list((cache_dir() / "polish").glob("*/*.json"))


def test_chunk_cache_entries_expire_and_fit_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copilot.tasks.polish.chunks as chunks

    cache = ChunkCache(root=tmp_path / "polish")
    cache.put("aa" + "0" * 62, ["old"])
    cache.put("bb" + "0" * 62, ["x" * 600])
    cache.put("cc" + "0" * 62, ["y" * 600])
    old = tmp_path / "polish" / "aa" / ("aa" + "0" * 62 + ".json")
    stale = time.time() - RESUME_MAX_AGE - 60
    os.utime(old, (stale, stale))
    newer = tmp_path / "polish" / "cc" / ("cc" + "0" * 62 + ".json")
    os.utime(newer, (time.time() + 5, time.time() + 5))
    monkeypatch.setattr(chunks, "CACHE_MAX_BYTES", 1000)
    ChunkCache(root=tmp_path / "polish")  # prunes when opened
    left = sorted(p.name[:2] for p in (tmp_path / "polish").glob("*/*.json"))
    assert left == ["cc"]


def _docm(src: Path, dest: Path) -> Path:
    """A real macro-enabled package: the main part's content type and a vbaProject part."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            data = a.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                    b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
            b.writestr(info, data)
        b.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro")
    return dest


def test_docm_is_polished_into_a_docm(fake_server: Any, fake_profile: str, tmp_path: Path) -> None:
    from copilot.tasks.polish_docx import default_output

    fake_server.set_default(fakes.model(fakes.upper))
    src = _docm(make_doc(tmp_path / "plain.docx", 3), tmp_path / "macro.docm")
    out = default_output(src)
    assert out.name == "macro.polished.docm"
    result = run(fake_profile, src, out)
    assert result.changed == 3 and out.is_file()
    with zipfile.ZipFile(out) as z:
        assert "word/vbaProject.bin" in z.namelist()
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    with pytest.raises(UsageError) as info:
        run(fake_profile, src, tmp_path / "macro.docx")
    assert "macros" in str(info.value) and "\n" not in str(info.value)
