"""Every workbook of the shared corpus is profiled or refused with a one-line DocumentError, and
no input byte changes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from copilot.documents.sheets.profile import profile_database
from copilot.documents.sheets.query import open_database
from copilot.errors import DocumentError
from tests.conftest import corpus_roots


def _files(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "xlsx").iterdir() if p.is_file())


@pytest.mark.parametrize("root", corpus_roots())
def test_corpus_profiled_or_refused(root: Path) -> None:
    files = _files(root)
    assert len(files) >= 12
    digests = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    profiled, refused = [], []
    for path in files:
        try:
            db = open_database(path)
        except DocumentError as exc:
            message = str(exc)
            assert "\n" not in message and path.name in message, message
            refused.append((path.name, type(exc).__name__))
            continue
        try:
            profile = profile_database(db)
        finally:
            db.close()
        json.dumps(profile)
        assert profile["sheets"], path.name
        for table in profile["sheets"]:
            assert table["rows"] >= 0
            for col in table["columns"]:
                assert col["count"] + col["missing"] == table["rows"]
        profiled.append(path.name)
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == d for p, d in digests.items())
    assert len(profiled) > len(refused)
    kinds = dict(refused)
    assert kinds.get("pass_protected.xlsx") == "EncryptedDocument"
    assert kinds.get("picture.xlsx") == "EmptyDocument"


@pytest.mark.parametrize("name", ["date_1904.xlsb", "date.ods", "issue_271.xls", "any_sheets.xlsb"])
def test_all_formats_read(corpus_dir: Path, name: str) -> None:
    db = open_database(corpus_dir / "xlsx" / name)
    try:
        assert db.tables
    finally:
        db.close()
