"""`desk-copilot polish` end to end through the real CLI entry point and the fake server."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from copilot.cli.main import main
from copilot.documents.docx.text_map import W
from tests import test_polish_fakes as fakes


@pytest.fixture
def memo(examples_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "memo.docx"
    shutil.copy(examples_dir / "memo.docx", target)
    return target


def test_json_summary_and_default_output(fake_server: Any, fake_profile: str, memo: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.set_default(fakes.model(fakes.polish_words))
    before = memo.read_bytes()
    assert main(["polish", str(memo), "--profile", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"output", "paragraphs", "changed", "unchanged", "rejected", "tokens_in", "tokens_out",
                         "seconds"}
    out = memo.with_name("memo.polished.docx")
    assert data["output"] == str(out) and out.exists()
    assert data["changed"] > 0 and data["paragraphs"] == data["changed"] + data["unchanged"] + len(data["rejected"])
    assert data["tokens_in"] > 0 and data["tokens_out"] > 0
    assert memo.read_bytes() == before
    docx.Document(str(out))  # re-opens


def test_refuses_to_overwrite_without_force(fake_server: Any, fake_profile: str, memo: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.set_default(fakes.model(fakes.upper))
    out = memo.with_name("taken.docx")
    out.write_bytes(b"mine")
    assert main(["polish", str(memo), "-o", str(out), "--profile", fake_profile]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"mine" and fake_server.request_count == 0
    assert main(["polish", str(memo), "-o", str(out), "--profile", fake_profile, "--force"]) == 0
    assert zipfile.is_zipfile(out)
    assert not [p for p in memo.parent.iterdir() if p.name.endswith(".tmp")]


def test_summary_lists_rejections(fake_server: Any, fake_profile: str, memo: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.set_default(fakes.model(fakes.change_number))
    assert main(["polish", str(memo), "--profile", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rejected"] and any("changed numbers" in r["reason"] for r in data["rejected"])
    assert all(isinstance(r["paragraph"], int) for r in data["rejected"])


def test_report_html_is_escaped(fake_server: Any, fake_profile: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "x.docx"
    d = docx.Document()
    d.add_paragraph("Use <script>alert(1)</script> & friends in the draft.")
    d.add_paragraph("Total is 100 units in the draft.")
    d.save(str(src))
    fake_server.set_default(fakes.model(lambda t: fakes.change_number(fakes.polish_words(t))))
    report = tmp_path / "r.html"
    assert main(["polish", str(src), "--profile", fake_profile, "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; friends" in page
    assert "<ins>" in page and "<del>" in page
    assert "changed numbers" in page  # the rejected paragraph is shown with its reason
    assert "report:" in capsys.readouterr().out


def test_report_shows_markers_for_protected_pieces(fake_server: Any, fake_profile: str, memo: Path,
                                                  tmp_path: Path) -> None:
    """Tabs, breaks and protected pieces read as →, ↵ and chips in the report, never as ⟦n⟧."""
    src = tmp_path / "marked.docx"
    d = docx.Document()
    para = d.add_paragraph("Name:")
    para.add_run().add_tab()
    para.add_run("the draft plan for the team")
    para.add_run().add_break()
    para.add_run("and the draft budget for Friday.")
    d.save(str(src))
    fake_server.set_default(fakes.model(fakes.polish_words))
    report = tmp_path / "m.html"
    assert main(["polish", str(src), "--profile", fake_profile, "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "⟦" not in page and "→" in page and "↵" in page and "<ins>revised </ins>" in page

    from copilot.documents.docx.markers import markers_html

    shown = markers_html("a ⟦1⟧ b ⟦2⟧ c ⟦3⟧", ("fldSimple", "footnoteReference", "mystery"))
    assert "域 field" in shown and "脚注 footnote" in shown and "受保护 protected" in shown


def test_mode_clean(fake_server: Any, fake_profile: str, memo: Path) -> None:
    fake_server.set_default(fakes.model(fakes.upper))
    out = memo.with_name("clean.docx")
    assert main(["polish", str(memo), "-o", str(out), "--mode", "clean", "--profile", fake_profile]) == 0
    with zipfile.ZipFile(out) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    assert next(root.iter(W + "ins"), None) is None and next(root.iter(W + "del"), None) is None
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "PLEASE NOTE THAT THE BUDGET REQUEST" in text


def test_mode_comments(fake_server: Any, fake_profile: str, memo: Path) -> None:
    fake_server.set_default(fakes.model(fakes.upper))
    out = memo.with_name("comments.docx")
    assert main(["polish", str(memo), "-o", str(out), "--mode", "comments", "--profile", fake_profile,
                 "--author", "Ann Editor"]) == 0
    d = docx.Document(str(out))
    comments = list(d.comments)
    assert comments and all(c.author == "Ann Editor" and c.initials == "AE" for c in comments)
    assert any("PLEASE NOTE THAT THE BUDGET REQUEST" in c.text for c in comments)
    # The text itself is untouched.
    original = [p.text for p in docx.Document(str(memo)).paragraphs]
    assert [p.text for p in d.paragraphs] == original
    with zipfile.ZipFile(out) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    assert next(root.iter(W + "ins"), None) is None
    assert len(list(root.iter(W + "commentRangeStart"))) == len(comments)


def _ole(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra + b"\0" * 1024


@pytest.mark.parametrize(("name", "content", "code", "message"), [
    ("old.doc", _ole("WordDocument".encode("utf-16-le")), 1, "is a legacy Word 97–2003 file (.doc); "),
    ("locked.docx", _ole("EncryptedPackage".encode("utf-16-le")), 1, "password-protected"),
    ("text.docx", b"just some text, not a zip", 1, "not a Word document"),
    ("nodoc.docx", None, 1, "not a Word document"),
    ("missing.docx", "absent", 1, "file not found"),
])
def test_bad_input_one_line(fake_profile: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                            content: bytes | str | None, code: int, message: str) -> None:
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert main(["polish", str(path), "--profile", fake_profile]) == code
    captured = capsys.readouterr()
    assert message in captured.err and name in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert not path.with_name(path.stem + ".polished.docx").exists()


def test_nothing_to_polish_exits_zero(fake_server: Any, fake_profile: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blank.docx"
    d = docx.Document()
    d.add_paragraph("")
    d.add_paragraph("42")
    d.save(str(path))
    assert main(["polish", str(path), "--profile", fake_profile]) == 0
    assert "nothing to polish" in capsys.readouterr().out
    assert fake_server.request_count == 0
    assert not path.with_name("blank.polished.docx").exists()


def test_unknown_preset_is_usage_error(fake_profile: str, memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["polish", str(memo), "--preset", "poetic", "--profile", fake_profile]) == 2
    assert "unknown preset" in capsys.readouterr().err


def test_preset_and_template_select_the_prompt(fake_server: Any, fake_profile: str, memo: Path) -> None:
    fake_server.set_default(fakes.model(fakes.identity))
    assert main(["polish", str(memo), "--preset", "正式", "--profile", fake_profile, "--no-cache"]) == 0
    system = fake_server.requests[0]["messages"][0]["content"]
    assert "正式" in system or "formal" in system
    sample = memo.with_name("style.txt")
    sample.write_text("兹定于下周召开年度总结会，望准时出席。", encoding="utf-8")
    assert main(["polish", str(memo), "--preset", "match-style", "--sample", str(sample), "--profile",
                 fake_profile, "--force", "--no-cache"]) == 0
    assert "兹定于下周召开年度总结会" in json.dumps(fake_server.requests[-1], ensure_ascii=False)
