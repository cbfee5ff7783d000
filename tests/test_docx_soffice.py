"""LibreOffice reads our tracked changes as tracked changes: accepting them all gives the rewrite,
rejecting them all gives the original (checked on LibreOffice's own ODT export)."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from copilot.documents.docx.text_map import strip_tokens
from tests import test_polish_fakes as fakes
from tests.test_docx_tracked import run_polish

pytestmark = pytest.mark.soffice

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
T = "{" + TEXT + "}"


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", strip_tokens(s))


def _para_text(p: etree._Element, view: str, deletions: dict[str, str]) -> str:
    """Text of an ODT paragraph in the accepted or rejected view (notes left out).

    Change marks may open outside a link and close inside it, so walk a flat event stream.
    """
    out: list[str] = []
    inserting: set[str] = set()
    in_note = 0
    for action, el in etree.iterwalk(p, events=("start", "end")):
        tag = el.tag
        if action == "start":
            if tag == T + "note":
                in_note += 1
            elif tag == T + "change-start" and view == "reject":
                inserting.add(el.get(T + "change-id", ""))
            elif tag == T + "change-end":
                inserting.discard(el.get(T + "change-id", ""))
            elif tag == T + "change" and view == "reject" and not inserting and not in_note:
                out.append(deletions.get(el.get(T + "change-id", ""), ""))
            if el.text and not inserting and not in_note:
                out.append(el.text)
        else:
            if tag == T + "note":
                in_note -= 1
            if el is not p and el.tail and not inserting and not in_note:
                out.append(el.tail)
    return "".join(out)


def _views(odt: Path) -> tuple[set[str], set[str], set[str]]:
    with zipfile.ZipFile(odt) as zf:
        root = etree.fromstring(zf.read("content.xml"))
    text_root = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    assert text_root is not None
    deletions: dict[str, str] = {}
    authors: set[str] = set()
    tracked = text_root.find(T + "tracked-changes")
    if tracked is not None:
        for region in tracked:
            authors.update(c.text or "" for c in region.iter("{http://purl.org/dc/elements/1.1/}creator"))
            deletion = region.find(T + "deletion")
            if deletion is not None:
                deletions[region.get(T + "id", "")] = "".join(
                    "".join(p.itertext()) for p in deletion.iter(T + "p"))
        body = copy.deepcopy(text_root)
        body.remove(body.find(T + "tracked-changes"))
    else:
        body = text_root
    paragraphs = [p for p in body.iter(T + "p", T + "h")
                  if not any(a.tag == T + "note-body" for a in p.iterancestors())]
    accepted = {_norm(_para_text(p, "accept", deletions)) for p in paragraphs}
    rejected = {_norm(_para_text(p, "reject", deletions)) for p in paragraphs}
    return accepted, rejected, authors


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_accept_and_reject(fake_server: Any, fake_profile: str, examples_dir: Path,
                                       corpus_dir: Path, tmp_path: Path) -> None:
    sources = [examples_dir / "memo.docx", corpus_dir / "docx" / "par-hlink-frags.docx",
               corpus_dir / "docx" / "tbl-having-applied-style.docx"]
    results = {}
    outputs = []
    for n, src in enumerate(sources):
        out = tmp_path / f"out{n}.docx"
        results[out.stem] = run_polish(fake_server, fake_profile, src, out, fakes.upper, author="LO Check")
        outputs.append(out)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), *map(str, outputs)],
                   check=True, capture_output=True, timeout=240)
    for out in outputs:
        result = results[out.stem]
        accepted, rejected, authors = _views(out.with_suffix(".odt"))
        body = [o for o in result.outcomes if o.part == "word/document.xml"]
        changed = [o for o in body if o.status == "changed"]
        assert changed, out
        assert authors == {"LO Check"}
        for o in changed:
            assert _norm(o.rewrite) in accepted, (out, o.rewrite)
            assert _norm(o.original) in rejected, (out, o.original)
            assert _norm(o.original) not in accepted
        for o in body:
            if o.status != "changed":
                assert _norm(o.original) in accepted and _norm(o.original) in rejected
