"""Every .docx of the shared corpus through identity and upper-casing fake models."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from copilot.documents.docx.text_map import W, iter_paragraphs
from copilot.events import Done
from copilot.models import get_provider
from copilot.tasks.polish_docx import PolishOptions, PolishResult, polish_docx
from tests import test_polish_fakes as fakes
from tests.conftest import BUNDLED_CORPUS, find_full_corpus
from tests.test_docx_tracked import accept_all, reject_all


def _corpus() -> list[object]:
    """The bundled .docx files always; the full shared corpus's too when it is present."""
    params: list[object] = [pytest.param(p, id=f"bundled-{p.name}") for p in sorted((BUNDLED_CORPUS / "docx").glob("*.docx"))]
    full = find_full_corpus()
    if full is not None:
        params += [pytest.param(p, id=f"full-{p.name}") for p in sorted((full / "docx").glob("*.docx"))]
    return params


def _rprs(p: etree._Element) -> set[bytes]:
    return {etree.tostring(r.find(W + "rPr")) if r.find(W + "rPr") is not None else b"" for r in p.iter(W + "r")}


def _polish(fake_server: Any, profile: str, src: Path, out: Path) -> PolishResult:
    result = None
    for event in polish_docx(get_provider(profile), src, out, PolishOptions(use_cache=False)):
        if isinstance(event, Done):
            result = event.result
    assert isinstance(result, PolishResult)
    return result


@pytest.mark.parametrize("src", _corpus())
def test_corpus_identity_and_upper(fake_server: Any, fake_profile: str, tmp_path: Path, src: Path) -> None:
    digest = hashlib.sha256(src.read_bytes()).hexdigest()

    # Identity: nothing changes, every part is copied byte for byte.
    fake_server.set_default(fakes.model(fakes.identity))
    out = tmp_path / "identity.docx"
    result = _polish(fake_server, fake_profile, src, out)
    assert result.changed == 0 and not result.rejected
    if result.paragraphs:
        with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}

    # Upper-case: changed paragraphs accept to the rewrite and reject to the original.
    fake_server.set_default(fakes.model(fakes.upper))
    out = tmp_path / "upper.docx"
    result = _polish(fake_server, fake_profile, src, out)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest
    if not result.paragraphs:
        assert not out.exists()
        return
    docx.Document(str(out))  # re-opens
    rewrites = {o.original: o.rewrite for o in result.outcomes if o.status == "changed"}
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        for name in a.namelist():
            if not name.endswith(".xml") or not name.startswith("word/"):
                continue
            old_root, new_root = etree.fromstring(a.read(name)), etree.fromstring(b.read(name))
            old_ps = list(iter_paragraphs(name, old_root))
            new_ps = list(iter_paragraphs(name, new_root))
            accepted = list(iter_paragraphs(name, accept_all(new_root)))
            rejected = list(iter_paragraphs(name, reject_all(new_root)))
            assert len(old_ps) == len(new_ps) == len(accepted) == len(rejected)
            for old, new, acc, rej in zip(old_ps, new_ps, accepted, rejected, strict=True):
                assert rej.text == old.text
                if old.text in rewrites:
                    assert acc.text == rewrites[old.text]
                    assert acc.text == old.text.upper() or acc.text != old.text
                    # Formatting: every run of the accepted paragraph has formatting the paragraph had.
                    assert _rprs(acc.p) <= _rprs(old.p)
                else:
                    assert etree.tostring(new.p) == etree.tostring(old.p)
