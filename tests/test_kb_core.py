"""Knowledge base core: chunkers per format with locators, incremental sync, search, bad input."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from copilot.cli import main
from copilot.kb.embed import WordLlamaEmbedder, offline_embedder
from copilot.kb.readers import read_chunks
from copilot.kb.search import search
from copilot.kb.store import open_kb
from copilot.kb.sync import add_paths, sync
from copilot.kb.text import fts_query, terms
from tests.kb_helpers import CORPUS, make_docx, make_pptx, make_xlsx, no_network  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def _drain(events: Any) -> Any:
    result = None
    for event in events:
        result = getattr(event, "result", result)
    return result


class CountingEmbedder:
    """The real offline model, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        self.inner: WordLlamaEmbedder = offline_embedder()
        self.model = self.inner.model
        self.count = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.count += len(texts)
        return self.inner.embed(texts)


def test_cjk_terms_are_overlapping_pairs() -> None:
    assert terms("出差住宿标准 for Travel") == ["出差", "差住", "住宿", "宿标", "标准", "for", "travel"]
    assert fts_query("出差住宿标准是多少？") == '"出差" OR "差住" OR "住宿" OR "宿标" OR "标准"'
    assert fts_query('"; DROP TABLE x; --') == '"drop" OR "table" OR "x"'
    assert fts_query("？！") is None
    # With document frequencies, terms in over a tenth of the chunks are left out, rare ones kept.
    freq = {"policy": 9000, "travel": 40, "hotel": 3}
    assert fts_query("travel policy hotel", lambda ts: {t: freq[t] for t in ts}, 10_000) == '"travel" OR "hotel"'
    assert fts_query("policy", lambda ts: {t: freq[t] for t in ts}, 10_000) == '"policy"'


def test_locators_per_format(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "policy.docx", [
        ("h1", "第一章 总则"), ("p", "本办法适用于全体员工。"),
        ("table", "城市|住宿标准\n一线城市|600元"),
        ("h1", "第二章 住宿"), ("h2", "标准"), ("p", "员工出差住宿标准：一线城市每晚不超过600元。"),
    ])
    chunks = read_chunks(doc)
    by_text = {c.text.splitlines()[-1]: c for c in chunks}
    last = by_text["员工出差住宿标准：一线城市每晚不超过600元。"]
    # Body order counts table paragraphs: h1, p, 4 cells, h1, h2, p -> the last is paragraph 9.
    assert last.locator == {"paragraph": 9, "heading": "第二章 住宿 › 标准"}
    assert any("一线城市 | 600元" in c.text or "一线城市" in c.text for c in chunks)
    deck = make_pptx(tmp_path / "deck.pptx", [("Intro", ["Hello"], ""), ("Roadmap", ["Mobile app in September"],
                                                                         "Speaker: stress the date")])
    slides = read_chunks(deck)
    assert [c.locator for c in slides] == [{"slide": 1}, {"slide": 2}]
    assert "Speaker: stress the date" in slides[1].text and slides[1].heading == "Roadmap"
    book = make_xlsx(tmp_path / "stock.xlsx", {"库存": [["物品", "数量"]] + [[f"物品{i}", i] for i in range(1, 200)]})
    rows = read_chunks(book)
    assert len(rows) > 1 and all(c.text.startswith("库存: 物品 | 数量") for c in rows)
    assert rows[0].locator == {"sheet": "库存", "rows": f"2-{rows[0].locator['rows'].split('-')[1]}"}
    assert int(rows[1].locator["rows"].split("-")[0]) == int(rows[0].locator["rows"].split("-")[1]) + 1
    md = tmp_path / "notes.md"
    md.write_text("# Title\n\nintro line\n\n## Part\n\nsecond para\nstill second\n", encoding="utf-8")
    assert [(c.locator, c.heading) for c in read_chunks(md)] == [
        ({"line": 3}, "Title"), ({"line": 7}, "Title › Part")]
    gbk = tmp_path / "值班.txt"
    gbk.write_bytes("周六值班：张伟，电话分机8021。\n".encode("gb18030") * 3)
    assert "张伟" in read_chunks(gbk)[0].text
    assert all(len(c.text) <= 1000 for c in read_chunks(make_docx(tmp_path / "long.docx", [("p", "长句子。" * 900)])))


@pytest.mark.usefixtures("no_network")
def test_incremental_sync_counts_and_reembedding(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(4):
        (folder / f"note{i}.md").write_text(f"# Note {i}\n\nTopic number {i} is about widget {i}.\n\n"
                                            f"Second paragraph {i} stays.\n", encoding="utf-8")
    make_docx(folder / "policy.docx", [("p", "Remote work is allowed two days per week.")])
    embedder = CountingEmbedder()
    with open_kb("t", create=True) as kb:
        add_paths(kb, [folder])
        first = _drain(sync(kb, embedder))
        assert (first.added, first.changed, first.removed, first.unchanged) == (5, 0, 0, 0)
        embedded = embedder.count
        assert embedded == kb.chunk_count()
        again = _drain(sync(kb, embedder))
        assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 5)
        # Same bytes, new mtime: the hash says unchanged and nothing is read again.
        os.utime(folder / "note0.md", ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        # Changed text in one chunk of note1: only that chunk is embedded again.
        (folder / "note1.md").write_text("# Note 1\n\nTopic number 1 is about gadgets now.\n\n"
                                         "Second paragraph 1 stays.\n", encoding="utf-8")
        (folder / "note2.md").unlink()
        (folder / "new.txt").write_text("A brand new file about quarterly revenue.", encoding="utf-8")
        embedder.count = 0
        third = _drain(sync(kb, embedder))
        assert (third.added, third.changed, third.removed, third.unchanged) == (1, 1, 1, 3)
        assert embedder.count == 2  # note1's one changed chunk + new.txt; nothing else re-embedded
        assert [h.file for h in search(kb, "gadgets", k=1, embedder=embedder)] == [str(folder / "note1.md")]
        assert not any(h.file.endswith("note2.md") for h in search(kb, "widget 2", k=8, embedder=embedder))
        assert kb.integrity_ok()


@pytest.mark.usefixtures("no_network")
def test_two_character_chinese_words_are_found(tmp_path: Path) -> None:
    folder = tmp_path / "zh"
    folder.mkdir()
    (folder / "假期.md").write_text("# 休假制度\n\n员工年假按工龄计算，工作满一年可休五天。\n", encoding="utf-8")
    (folder / "其他.md").write_text("# 食堂\n\n食堂工作日供应午餐，周末休息。\n", encoding="utf-8")
    with open_kb("zh", create=True) as kb:
        add_paths(kb, [folder])
        _drain(sync(kb, None))
        for query in ("年假", "工龄", "食堂"):
            hits = search(kb, query, k=1, mode="bm25")
            assert hits and query in hits[0].text
        assert Path(search(kb, "年假有几天？", k=1, mode="bm25")[0].file).name == "假期.md"


@pytest.mark.usefixtures("no_network")
def test_cli_contract_and_network_blocked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    make_docx(folder / "sla.docx", [("h1", "Response times"), ("p", "Priority 1 incidents get a response within 4 hours.")])
    make_pptx(folder / "roadmap.pptx", [("Roadmap", ["The mobile app launches in September."], "")])
    (folder / "出差.md").write_text("# 差旅\n\n出差住宿标准：一线城市每晚600元。\n", encoding="utf-8")
    added = run_json(capsys, "kb", "add", str(folder), "--kb", "work")
    assert added == {"added": 3, "changed": 0, "removed": 0, "unchanged": 0, "failed": []}
    listing = run_json(capsys, "kb", "list", "--kb", "work")
    assert {Path(s["file"]).name: s["status"] for s in listing["sources"]} == {
        "sla.docx": "indexed", "roadmap.pptx": "indexed", "出差.md": "indexed"}
    assert all(s["chunks"] >= 1 and s["last_indexed"] for s in listing["sources"])
    found = run_json(capsys, "kb", "search", "response time for priority 1", "--kb", "work", "-k", "2")
    assert found["query"] == "response time for priority 1"
    top = found["results"][0]
    assert set(top) == {"file", "locator", "text", "score"}
    assert Path(top["file"]).name == "sla.docx" and top["locator"] == {"paragraph": 2, "heading": "Response times"}
    zh = run_json(capsys, "kb", "search", "住宿标准", "--kb", "work", "-k", "1")
    assert Path(zh["results"][0]["file"]).name == "出差.md" and zh["results"][0]["locator"] == {"line": 3}
    assert run_json(capsys, "kb", "sync", "--kb", "work")["unchanged"] == 3
    code, out, _ = run(capsys, "kb", "remove", str(folder), "--kb", "work")
    assert code == 0 and "3 files" in out
    assert run_json(capsys, "kb", "list", "--kb", "work")["sources"] == []
    assert run(capsys, "kb", "drop", "work")[0] == 0
    code, _, err = run(capsys, "kb", "search", "x", "--kb", "work")
    assert code == 1 and err.count("\n") == 1 and 'no knowledge base named "work"' in err


def test_bad_inputs_are_per_file_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.md").write_text("# Fine\n\nThis file is fine.\n", encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (folder / "locked.xlsx").write_bytes((CORPUS / "pass_protected.xlsx").read_bytes())
    (folder / "huge.txt").write_text("x" * 40_000, encoding="utf-8")
    (folder / "loop").symlink_to(folder)  # a symlink loop must not hang the walk
    monkeypatch.setattr("copilot.kb.readers.MAX_FILE_BYTES", 30_000)
    code, out, err = run(capsys, "kb", "add", str(folder), "--kb", "bad", "--embeddings", "none")
    assert code == 0 and "1 added" in out
    listing = run_json(capsys, "kb", "list", "--kb", "bad")
    status = {Path(s["file"]).name: (s["status"], s["error"] or "") for s in listing["sources"]}
    assert status["good.md"] == ("indexed", "")
    assert status["broken.docx"][0] == "failed" and "not a Word document" in status["broken.docx"][1]
    assert status["empty.txt"] == ("failed", "is empty (0 bytes)")
    assert "password-protected" in status["locked.xlsx"][1]
    assert "not indexed — split it" in status["huge.txt"][1]
    assert "legacy.doc" not in status  # not an indexable extension inside a folder
    assert all("Traceback" not in e for e in (out, err))
    # Unchanged failures are not retried; a fixed file is.
    (folder / "empty.txt").write_text("now it has words", encoding="utf-8")
    report = run_json(capsys, "kb", "sync", "--kb", "bad")
    assert (report["added"], report["changed"], report["unchanged"]) == (1, 0, 4)  # failed → indexed
    # Adding a file of an unknown type, a missing path: one line, exit 1.
    (tmp_path / "x.exe").write_bytes(b"MZ")
    for target in (tmp_path / "x.exe", tmp_path / "missing"):
        code, _, err = run(capsys, "kb", "add", str(target), "--kb", "bad")
        assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_newer_or_corrupt_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with open_kb("future", create=True) as kb:
        kb.set_meta("schema", "99")
    code, _, err = run(capsys, "kb", "list", "--kb", "future")
    assert code == 1 and "newer Desk Copilot" in err and err.count("\n") == 1
    from copilot.kb.store import kb_dir

    (kb_dir() / "junk.sqlite").write_bytes(b"this is not a database" * 100)
    code, _, err = run(capsys, "kb", "search", "x", "--kb", "junk")
    assert code == 1 and "cannot be opened" in err and "kb drop junk" in err


def test_kill_9_mid_index_then_sync_recovers(tmp_path: Path, isolated_home: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"doc{i:03}.md").write_text(f"# Doc {i}\n\n" + f"Paragraph about item {i}. " * 60, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DESK_COPILOT_HOME": str(isolated_home)}
    code = "import sys; from copilot.cli.main import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "kb", "add", str(folder), "--embeddings", "none"],
                            env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # progress lines every ~10 %: kill once a few files are in
        if "kb-sync: " in line and "/400" in line and not line.startswith("kb-sync: 0/"):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    with open_kb("default") as kb:
        done = len(kb.sources())
        assert 0 < done < 400, done
        assert kb.integrity_ok()
        report = _drain(sync(kb, None))
        assert report.added == 400 - done and report.unchanged == done and report.failed == []
        db = sqlite3.connect(str(kb.path))
        chunks, fts, per_source = db.execute(
            "SELECT (SELECT count(*) FROM chunks), (SELECT count(*) FROM fts), (SELECT sum(chunks) FROM sources)"
        ).fetchone()
        db.close()
        assert chunks == fts == per_source
        assert Path(search(kb, "item 399", k=1, mode="bm25")[0].file).name == "doc399.md"


def test_file_written_or_deleted_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that changes while it is read is left pending and indexed by the next sync; a file
    deleted mid-index is skipped and then counted as removed."""
    import copilot.kb.sync as kb_sync

    folder = tmp_path / "live"
    folder.mkdir()
    growing = folder / "growing.md"
    growing.write_text("# Log\n\nfirst line\n", encoding="utf-8")
    doomed = folder / "doomed.md"
    doomed.write_text("# Gone\n\nsoon deleted\n", encoding="utf-8")
    real = kb_sync.read_chunks

    def racing(path: Path) -> Any:
        chunks = real(path)
        if path.name == "growing.md":
            with path.open("a", encoding="utf-8") as fh:  # the writer is still appending
                fh.write("second line\n")
        elif path.name == "doomed.md":
            path.unlink()
        return chunks

    monkeypatch.setattr(kb_sync, "read_chunks", racing)
    with open_kb("live", create=True) as kb:
        add_paths(kb, [folder])
        first = _drain(sync(kb, None))
        assert first.pending == [str(growing)] and first.added == 0 and first.failed == []
        assert {s.path: s.status for s in kb.sources()} == {str(growing): "pending"}
        monkeypatch.setattr(kb_sync, "read_chunks", real)
        second = _drain(sync(kb, None))
        assert (second.added, second.removed, second.pending) == (1, 0, [])
        assert "second line" in search(kb, "second line", k=1, mode="bm25")[0].text
