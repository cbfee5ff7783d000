"""Outline generation and critique through a real HTTP fake model: good JSON, JSON repaired once,
JSON broken twice, long documents summarised chunk by chunk; the CLI end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copilot.cli.main import main
from copilot.documents.decks.outline import parse_outline, read_outline_file
from copilot.errors import BadResponse, LegacyFormat
from copilot.events import Done, Notice, Progress
from copilot.models import get_provider
from copilot.prompts import get_template
from copilot.prompts.lint import lint_template
from copilot.tasks.outline_deck import OutlineReply, OutlineResult, outline_deck
from copilot.tasks.read_deck import CritiqueReply
from tests.conftest import add_fake_profile
from tests.fake_openai_server import FakeOpenAIServer, last_user_text

OUTLINE = {
    "title": "Q3 Customer Service Review",
    "subtitle": "For management",
    "slides": [
        {"title": "Highlights", "layout": "content",
         "bullets": [{"text": "Satisfaction up to 92%", "sub": ["+3 points"]}, {"text": "Response time 2 h"}],
         "notes": "Start with the good news."},
        {"title": "Issues", "bullets": [{"text": "Night shift understaffed"}]},
        {"title": "Compare", "layout": "two-content",
         "bullets": [{"text": "Before"}, {"text": "After"}], "notes": "Left is before."},
        {"title": "Next steps", "layout": "closing", "bullets": [{"text": "Hire two agents"}]},
    ],
}
CRITIQUE = {"summary": "Clear structure.", "issues": [{"slide": 0, "kind": "conclusion", "message": "Add a summary."},
                                                       {"slide": 2, "kind": "weird", "message": "Odd kind."}]}


def _schema(req: dict[str, Any]) -> str:
    fmt = req.get("response_format") or {}
    return str((fmt.get("json_schema") or {}).get("name", ""))


def _is_notes(req: dict[str, Any]) -> bool:
    system = str(req["messages"][0]["content"])
    return "speaker notes" in system or ("演讲者" in system and "备注" in system and "JSON" not in system)


def script(server: FakeOpenAIServer, outline: Any = OUTLINE) -> None:
    server.reply(lambda r: _schema(r) == "OutlineReply", lambda r: outline)
    server.reply(lambda r: _schema(r) == "CritiqueReply", lambda r: CRITIQUE)
    server.reply(_is_notes, lambda r: "Say why this matters to the team.")
    server.reply(lambda r: "condense" in str(r["messages"][0]["content"]) or "压缩" in str(r["messages"][0]["content"]),
                 lambda r: "- summary point for " + last_user_text(r).split("\n")[0][:40])


def _run(gen: Any) -> tuple[list[Any], Any]:
    events = list(gen)
    assert isinstance(events[-1], Done)
    return events, events[-1].result


def test_outline_from_topic(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    script(fake_server)
    _events, result = _run(outline_deck(get_provider(fake_profile), topic="Q3 customer-service review", slides=5))
    assert isinstance(result, OutlineResult)
    outline = result.outline
    assert parse_outline(result.markdown) == outline
    assert outline.title == "Q3 Customer Service Review" and outline.subtitle == ("For management",)
    assert [s.kind for s in outline.slides] == ["content", "content", "two-content", "closing"]
    assert [b.text for b in outline.slides[0].bullets] == ["Satisfaction up to 92%", "+3 points", "Response time 2 h"]
    assert outline.slides[0].bullets[1].level == 1
    assert outline.slides[2].right and outline.slides[2].right[0].text == "After"
    assert outline.slides[1].notes == "Say why this matters to the team."  # filled by deck.speaker_notes
    assert outline.slides[0].notes == "Start with the good news."
    chat = [c for c in fake_server.calls if c.is_chat]
    first = chat[0].json
    assert _schema(first) == "OutlineReply" and "Q3 customer-service review" in last_user_text(first)
    assert "4" in last_user_text(first)  # 5 slides = title slide + 4 content slides
    schema = first["response_format"]["json_schema"]["schema"]
    assert "slides" in schema["required"] and "maxItems" in json.dumps(schema)  # bounds for grammars
    assert result.calls == 2 and result.usage.tokens_out > 0


def test_outline_zh_prompt_is_chinese(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    script(fake_server)
    _run(outline_deck(get_provider(fake_profile), topic="第三季度客户服务回顾，面向管理层", slides=3, notes=False))
    first = fake_server.calls[0].json
    assert "演示" in first["messages"][0]["content"]


def test_broken_json_is_repaired_once(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply(lambda r: _schema(r) == "OutlineReply", lambda r: '{"title": "Broken", "slides": [', times=1)
    script(fake_server)
    _, result = _run(outline_deck(get_provider(fake_profile), topic="anything", slides=5, notes=False))
    assert result.outline.title == "Q3 Customer Service Review"
    chat = [c.json for c in fake_server.calls if c.is_chat]
    assert len(chat) == 2
    assert chat[1]["messages"][-2]["content"].startswith('{"title": "Broken"')  # the bad reply is shown back
    assert "not valid JSON" in chat[1]["messages"][-1]["content"]


def test_invalid_twice_is_a_clear_error(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply(lambda r: _schema(r) == "OutlineReply", lambda r: {"title": "No slides here"})
    with pytest.raises(BadResponse) as info:
        list(outline_deck(get_provider(fake_profile), topic="anything", notes=False))
    message = str(info.value)
    assert "invalid JSON twice" in message and "slides" in message and "\n" not in message


def test_cli_outline_broken_twice_writes_nothing(fake_server: FakeOpenAIServer, fake_profile: str,
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.reply(lambda r: _schema(r) == "OutlineReply", lambda r: "sorry, I cannot do JSON")
    out = tmp_path / "deck.md"
    code = main(["outline", "--topic", "x", "--profile", fake_profile, "-o", str(out)])
    assert code == 1 and not out.exists()
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("desk-copilot:")]
    assert len(err) == 1 and "invalid JSON twice" in err[0]


def _long_docx(path: Path, sections: int = 6, paras: int = 12) -> None:
    import docx

    doc = docx.Document()
    doc.add_heading("Annual Operations Report", 0)
    for s in range(sections):
        doc.add_heading(f"Section {s + 1} results", 1)
        for p in range(paras):
            doc.add_paragraph(f"Paragraph {p + 1} of section {s + 1}: revenue in region {p} grew by {p + s}% "
                              "while the support queue shrank and customers reported faster answers overall.")
    doc.save(str(path))


def test_long_docx_is_summarised_chunk_by_chunk(fake_server: FakeOpenAIServer, tmp_path: Path) -> None:
    profile = add_fake_profile(fake_server, "small", context_window=2048, concurrency=2)
    script(fake_server)
    source = tmp_path / "report.docx"
    _long_docx(source)
    before = source.read_bytes()
    events, result = _run(outline_deck(get_provider(profile), source=source, slides=6, notes=False))
    assert source.read_bytes() == before
    assert result.template == "deck.outline_document" and result.summarised_chunks >= 6
    assert any(isinstance(e, Progress) and e.total and e.total >= 6 for e in events)
    chat = [c.json for c in fake_server.calls if c.is_chat]
    final = chat[-1]
    assert _schema(final) == "OutlineReply"
    document = last_user_text(final)
    assert "Annual Operations Report" in document
    for s in range(6):  # headings survive as the deck's sections, in order
        assert f"Section {s + 1} results" in document
    assert document.index("Section 1 results") < document.index("Section 6 results")
    assert fake_server.max_in_flight <= 2


def test_short_markdown_source_goes_in_whole(fake_server: FakeOpenAIServer, fake_profile: str,
                                            tmp_path: Path) -> None:
    script(fake_server)
    src = tmp_path / "notes.md"
    src.write_text("# Plan\n\n## Goals\nShip 3 features.\n\n## Risks\nHiring.\n", encoding="utf-8")
    _, result = _run(outline_deck(get_provider(fake_profile), source=src, notes=False))
    assert result.summarised_chunks == 0
    assert "Ship 3 features." in last_user_text(fake_server.calls[0].json)


def test_legacy_doc_source_is_refused(fake_profile: str, tmp_path: Path) -> None:
    doc = tmp_path / "old.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LegacyFormat):
        list(outline_deck(get_provider(fake_profile), source=doc))


def test_cli_outline_build_read_critique(fake_server: FakeOpenAIServer, fake_profile: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    script(fake_server)
    md, pptx, back = tmp_path / "deck.md", tmp_path / "deck.pptx", tmp_path / "back.md"
    assert main(["outline", "--topic", "Q3 review", "--slides", "5", "--profile", fake_profile, "-o", str(md)]) == 0
    outline = read_outline_file(md)
    assert main(["build", str(md), "-o", str(pptx)]) == 0
    assert main(["build", str(md), "-o", str(pptx)]) == 1  # exists, no --force
    assert "already exists" in capsys.readouterr().err
    assert main(["read-deck", str(pptx), "-o", str(back)]) == 0
    assert read_outline_file(back) == outline
    capsys.readouterr()
    assert main(["read-deck", str(pptx), "--critique", "--profile", fake_profile]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Q3 Customer Service Review")
    assert "## Critique" in text and "Add a summary." in text and "[other]" in text
    critique_req = next(c.json for c in fake_server.calls if c.is_chat and _schema(c.json) == "CritiqueReply")
    assert "Highlights" in last_user_text(critique_req)
    assert main(["read-deck", str(pptx), "--critique", "--no-model", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["slides"] == 5 and data["critique"] is None and isinstance(data["findings"], list)
    from copilot.history import recent

    runs = recent()  # newest first; every deck command goes through recorded(), like the others
    assert [(h.task, h.status) for h in reversed(runs)] == [
        ("outline_deck", "ok"), ("build_deck", "ok"), ("build_deck", "OutputExists"), ("read_deck", "ok")]
    outline_run, build_run = runs[-1], runs[-2]
    assert outline_run.template == "deck.outline_topic" and outline_run.output_path == str(md)
    assert outline_run.profile == fake_profile
    assert build_run.output_path == str(pptx)


def test_cli_bad_inputs_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ppt = tmp_path / "old.ppt"
    ppt.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert main(["read-deck", str(ppt)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "old.ppt" in err[0] and "legacy" in err[0]
    md = tmp_path / "d.md"
    md.write_text("# D\n\n## S\n<!-- layout: nope -->\n", encoding="utf-8")
    assert main(["build", str(md), "-o", str(tmp_path / "d.pptx")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("desk-copilot:")]
    assert len(err) == 1 and "line 4" in err[0]
    assert main(["build", str(md), "-o", str(tmp_path / "d.pptx"), "--template", str(ppt)]) == 1
    assert main(["outline", "-o", str(md)]) == 2  # neither --topic nor --from


@pytest.mark.parametrize("template_id", ["deck.outline_topic", "deck.outline_document", "deck.summarise_section",
                                         "deck.speaker_notes", "deck.critique"])
def test_deck_templates_lint_clean(template_id: str) -> None:
    tpl = get_template(template_id)
    assert [str(p) for p in lint_template(tpl)] == []
    for case in tpl.spec.tests:
        for lang in ("zh", "en"):
            inputs = dict(case.inputs)
            tpl.render(inputs, lang=lang)
        if tpl.spec.output == "json":
            assert case.fixture_reply is not None
            model = CritiqueReply if template_id == "deck.critique" else OutlineReply
            model.model_validate_json(case.fixture_reply)


def test_overflowing_model_outline_builds_with_notice(fake_server: FakeOpenAIServer, fake_profile: str,
                                                      tmp_path: Path) -> None:
    long = dict(OUTLINE)
    long["slides"] = [{"title": "Everything", "bullets": [{"text": "a long point " * 8} for _ in range(16)],
                       "notes": "n"}]
    script(fake_server, long)
    _, result = _run(outline_deck(get_provider(fake_profile), topic="x", slides=2))
    from copilot.tasks.build_deck import build_deck

    events = list(build_deck(result.outline, tmp_path / "o.pptx"))
    assert any(isinstance(e, Notice) and "cont." in e.message for e in events)
