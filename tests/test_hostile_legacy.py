"""Legacy .doc/.ppt files (made from the samples by LibreOffice itself): refused in one line naming
the fix, or converted to a modern copy with --convert; the original is never touched."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from copilot.cli import main
from copilot.documents import legacy
from tests import test_polish_fakes as fakes

ROOT = Path(__file__).resolve().parents[1]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.soffice


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    work = tmp_path_factory.mktemp("legacy")
    shutil.copy(ROOT / "examples" / "memo.docx", work / "memo.docx")
    shutil.copy(ROOT / "tests" / "corpus" / "pptx" / "test_slides.pptx", work / "slides.pptx")
    for name, kind in (("memo.docx", "doc"), ("slides.pptx", "ppt")):
        subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--convert-to", kind, "--outdir", str(work / "legacy"), str(work / name)],
                       capture_output=True, timeout=240, check=False)
    files = {"doc": work / "legacy" / "memo.doc", "ppt": work / "legacy" / "slides.ppt"}
    assert all(p.is_file() for p in files.values())
    return files


def test_doc_without_convert_is_one_line_naming_the_fix(legacy_files: dict[str, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    doc = legacy_files["doc"]
    assert main(["polish", str(doc)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "memo.doc" in err and "--convert" in err


def test_doc_is_polished_through_a_converted_copy(legacy_files: dict[str, Path], fake_server: Any,
                                                   fake_profile: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "memo.doc"
    shutil.copy(legacy_files["doc"], doc)
    before = _sha(doc)
    fake_server.set_default(fakes.model(fakes.upper))
    assert main(["polish", str(doc), "--convert", "--profile", fake_profile, "--no-cache"]) == 0, \
        capsys.readouterr().err
    output = tmp_path / "memo.polished.docx"
    assert output.is_file() and _sha(doc) == before
    import docx

    assert any(p.text.isupper() for p in docx.Document(str(output)).paragraphs if p.text.strip())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk-copilot-home", "memo.doc", "memo.polished.docx"]


def test_ppt_is_read_through_a_converted_copy(legacy_files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    ppt = legacy_files["ppt"]
    before = _sha(ppt)
    assert main(["read-deck", str(ppt)]) == 1
    assert "--convert" in capsys.readouterr().err
    assert main(["read-deck", str(ppt), "--convert"]) == 0
    assert capsys.readouterr().out.lstrip().startswith("#")
    assert _sha(ppt) == before


def test_without_libreoffice_the_line_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    message = str(legacy.legacy_error(tmp_path / "old.ppt"))
    assert message.startswith("old.ppt: ") and "install LibreOffice" in message and ".pptx" in message


def test_outline_from_a_doc_with_convert(legacy_files: dict[str, Path], fake_server: Any, fake_profile: str,
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = legacy_files["doc"]
    before = _sha(doc)
    assert main(["outline", "--from", str(doc), "-o", str(tmp_path / "deck.md"), "--profile", fake_profile]) == 1
    assert "--convert" in capsys.readouterr().err
    from tests.test_decks_generate import script

    script(fake_server)
    code = main(["outline", "--from", str(doc), "--convert", "-o", str(tmp_path / "deck.md"), "--profile", fake_profile,
                 "--no-notes"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "deck.md").read_text(encoding="utf-8").startswith("#")
    assert _sha(doc) == before
