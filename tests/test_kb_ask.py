"""kb ask over real HTTP to the fake server: citations checked, misbehaving models caught;
server embeddings through the fake's /v1/embeddings, stored per embedding model."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from copilot.cli import main
from tests.conftest import add_fake_profile
from tests.fake_openai_server import FakeOpenAIServer
from tests.kb_helpers import make_docx, make_pptx, no_network  # noqa: F401


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "office"
    folder.mkdir()
    make_docx(folder / "差旅管理办法.docx", [
        ("h1", "第三章 住宿"), ("p", "员工出差住宿标准：一线城市每晚不超过600元，其他城市每晚不超过400元。"),
        ("h1", "第四章 报销"), ("p", "差旅费用须在出差结束后10个工作日内提交报销。")])
    make_pptx(folder / "sla.pptx", [("Service levels", ["Priority 1 incidents: response within 4 hours.",
                                                        "Uptime commitment: 99.9% per month."], "")])
    code, _, err = run(capsys, "kb", "add", str(folder), "--embeddings", "none")
    assert code == 0, err
    return folder


def ask(capsys: pytest.CaptureFixture[str], profile: str, question: str) -> dict[str, Any]:
    code, out, err = run(capsys, "kb", "ask", question, "--profile", profile, "--json")
    assert code == 0, err
    return dict(json.loads(out))


@pytest.mark.usefixtures("no_network")
def test_cited_answer_has_file_and_locator(office: Path, fake_server: FakeOpenAIServer, fake_profile: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.set_default("上海属于一线城市，出差住宿每晚最多可报销600元[1]。")
    result = ask(capsys, fake_profile, "出差住宿标准是多少？")
    assert result["answer"] == "上海属于一线城市，出差住宿每晚最多可报销600元[1]。"
    assert result["uncited"] == [] and result["removed_citations"] == [] and result["unsupported_numbers"] == []
    [citation] = result["citations"]
    assert citation["n"] == 1 and Path(citation["file"]).name == "差旅管理办法.docx"
    assert citation["locator"] == {"paragraph": 2, "heading": "第三章 住宿"} and "600元" in citation["text"]
    prompt = fake_server.last_request["messages"][-1]["content"]
    assert "[1] 差旅管理办法.docx — paragraph 2 (第三章 住宿)" in prompt and "出差住宿标准是多少" in prompt


def test_misbehaving_models_are_caught(office: Path, fake_server: FakeOpenAIServer, fake_profile: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # An invented citation number is removed and reported.
    fake_server.set_default("P1 incidents get a response within 4 hours [1][7]. Uptime is 99.9% [3].")
    result = ask(capsys, fake_profile, "What response time do we promise for priority 1 incidents?")
    assert result["removed_citations"] == [7, 3] or sorted(result["removed_citations"]) == [3, 7]
    assert "[7]" not in result["answer"] and "[3]" not in result["answer"] and "[1]" in result["answer"]
    assert result["uncited"] == ["Uptime is 99.9%."]
    # No citations at all: every sentence comes back as uncited.
    fake_server.set_default("We respond within 4 hours. Uptime is 99.9%.")
    result = ask(capsys, fake_profile, "What response time do we promise for priority 1 incidents?")
    assert result["citations"] == [] and result["uncited"] == ["We respond within 4 hours.", "Uptime is 99.9%."]
    # A number that is in no cited source is caught (the CLI prints a note too).
    fake_server.set_default("Priority 1 incidents get a response within 2 hours [1].")
    code, out, err = run(capsys, "kb", "ask", "What response time do we promise for priority 1 incidents?",
                         "--profile", fake_profile)
    assert code == 0 and "[1] sla.pptx — slide 1" in out
    assert "2 does not appear" not in err  # single digits are not checked ...
    fake_server.set_default("Priority 1 incidents get a response within 48 hours [1].")
    result = ask(capsys, fake_profile, "What response time do we promise for priority 1 incidents?")
    assert result["unsupported_numbers"] == ["48"]  # ... but 48 is in no source


def test_nothing_relevant_is_said_without_asking_the_model(office: Path, fake_server: FakeOpenAIServer,
                                                           fake_profile: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    result = ask(capsys, fake_profile, "What is the visitor parking fee at the Berlin office?")
    assert result["found"] is False and result["citations"] == []
    assert result["answer"] == 'Nothing relevant was found in the knowledge base "default".'
    assert ask(capsys, fake_profile, "公司食堂的营业时间？")["answer"].startswith("知识库“default”中没有找到")
    assert fake_server.request_count == 0


def test_server_embeddings_are_used_and_kept_per_model(tmp_path: Path, fake_server: FakeOpenAIServer,
                                                       capsys: pytest.CaptureFixture[str],
                                                       isolated_home: Path) -> None:
    add_fake_profile(fake_server, "emb", embedding_model="fake-embed")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Parking\n\nVisitor parking costs five euros per day.\n", encoding="utf-8")
    (folder / "b.md").write_text("# Canteen\n\nThe canteen serves lunch on weekdays.\n", encoding="utf-8")
    code, _, err = run(capsys, "kb", "add", str(folder), "--embeddings", "server", "--profile", "emb")
    assert code == 0, err
    assert fake_server.embedding_requests and fake_server.embedding_requests[0]["model"] == "fake-embed"
    code, out, _ = run(capsys, "kb", "search", "visitor parking", "--mode", "vector", "--json")
    assert Path(json.loads(out)["results"][0]["file"]).name == "a.md"
    # Switching to the offline model keeps the server's vectors.
    code, _, _ = run(capsys, "kb", "add", str(folder), "--embeddings", "offline")
    db = sqlite3.connect(str(isolated_home / "data" / "kb" / "default.sqlite"))
    models = dict(db.execute("SELECT model, count(*) FROM vectors GROUP BY model").fetchall())
    db.close()
    assert models == {"emb:fake-embed": 2, "wordllama/l2_supercat_128": 2}
    # The server gone: one line naming it, exit 1.
    run(capsys, "kb", "add", str(folder), "--embeddings", "server", "--profile", "emb")
    fake_server.stop()
    code, _, err = run(capsys, "kb", "search", "parking")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err


def test_quick_template_answers_from_the_default_knowledge_base(office: Path, fake_server: FakeOpenAIServer,
                                                                fake_profile: str) -> None:
    from copilot.models import get_provider
    from copilot.tasks.quick_action import quick_action, quick_templates

    assert "quick.ask_kb" in [t.id for t in quick_templates()]
    fake_server.set_default("Priority 1 incidents get a response within 4 hours [1][5].")
    result = None
    for event in quick_action(get_provider(fake_profile), "quick.ask_kb", "response time for priority 1?"):
        result = getattr(event, "result", result)
    assert result is not None
    assert result.text == "Priority 1 incidents get a response within 4 hours [1].\n\n[1] sla.pptx — slide 1"
    prompt = fake_server.last_request["messages"][-1]["content"]
    assert "[1] sla.pptx — slide 1" in prompt and "Question: response time for priority 1?" in prompt


def test_search_limited_to_one_file(office: Path) -> None:
    from copilot.kb.search import search
    from copilot.kb.store import open_kb

    with open_kb() as kb:
        everywhere = search(kb, "报销 response", k=8, mode="bm25")
        assert {Path(h.file).name for h in everywhere} == {"差旅管理办法.docx", "sla.pptx"}
        only = search(kb, "报销 response", k=8, files=[str(office / "sla.pptx")])
        assert only and {Path(h.file).name for h in only} == {"sla.pptx"}


def test_outline_from_the_knowledge_base_cites_sources_in_the_notes(office: Path, fake_server: FakeOpenAIServer,
                                                                   fake_profile: str) -> None:
    from copilot.errors import KnowledgeBaseError
    from copilot.kb.outline import outline_from_kb
    from copilot.kb.store import open_kb
    from copilot.models import get_provider

    outline = {"title": "差旅与服务", "subtitle": "", "slides": [
        {"title": "住宿标准", "bullets": [{"text": "一线城市每晚不超过600元"}], "notes": ""},
        {"title": "Response times", "bullets": [{"text": "Priority 1 incidents: response within 4 hours"}],
         "notes": ""}]}
    fake_server.reply(lambda req: "response_format" in req or "JSON" in str(req["messages"][0]), json.dumps(outline))
    fake_server.set_default("讲解要点。")
    result = None
    with open_kb() as kb:
        topic = "住宿标准 and response times for priority incidents"
        for event in outline_from_kb(kb, get_provider(fake_profile), topic, slides=3):
            result = getattr(event, "result", result)
        assert result is not None
        notes = [s.notes for s in result.outline.slides]
        assert "差旅管理办法.docx — paragraph 2 (第三章 住宿)" in notes[0] and "sla.pptx" not in notes[0]
        assert "sla.pptx — slide 1" in notes[1]
        assert "差旅管理办法.docx" in fake_server.requests[0]["messages"][-1]["content"]
        with pytest.raises(KnowledgeBaseError, match="nothing relevant"):
            list(outline_from_kb(kb, get_provider(fake_profile), "Berlin parking fees for visitors"))
