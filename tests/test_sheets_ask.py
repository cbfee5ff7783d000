"""ask-sheet against the fake OpenAI server: good SQL, repaired SQL, hostile SQL, invented numbers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from copilot.documents.sheets.trace import untraceable_numbers
from copilot.errors import BadResponse, UnsafeOutput
from copilot.events import Done, Notice
from copilot.models import get_provider
from copilot.tasks.ask_sheet import AskSheetResult, ask_sheet, build_sql_prompt

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "报销"
    ws.append(["部门", "日期", "报销金额"])
    amounts = {"研发部": [1200.5, 800.0, 1751.0], "市场部": [980.25, 980.25], "行政部": [410.0]}
    day = dt.date(2024, 7, 1)
    for dept, values in amounts.items():
        for v in values:
            ws.append([dept, day, v])
            day += dt.timedelta(days=9)
    for i in range(40):  # filler rows, later than the sample
        ws.append(["后勤部", dt.date(2024, 12, 1), 100.0 + i])
    ws.append(["SECRET-ROW-99", dt.date(2024, 12, 31), 7.0])
    path = tmp_path_factory.mktemp("ask") / "expenses.xlsx"
    wb.save(path)
    return path


def _system(req: dict[str, Any]) -> str:
    return str(req["messages"][0]["content"])


def _script(server: Any, sql: list[str] | Callable[[dict[str, Any]], str], narration: str) -> None:
    replies: Iterator[str] | None = iter(sql) if isinstance(sql, list) else None

    def respond(req: dict[str, Any]) -> Any:
        if "DuckDB" in _system(req):
            text = next(replies) if replies is not None else sql(req)  # type: ignore[operator]
            return {"sql": text, "note": "test"}
        return narration

    server.reply(respond)


def _run(profile: str, path: Path, question: str, **kw: Any) -> tuple[AskSheetResult, list[Any]]:
    events = list(ask_sheet(get_provider(profile), path, question, **kw))
    done = events[-1]
    assert isinstance(done, Done)
    return done.result, events  # type: ignore[return-value]


AVG_SQL = 'SELECT "部门", round(avg("报销金额"), 2) AS "平均" FROM "报销" GROUP BY 1 ORDER BY 2 DESC'


def test_good_sql_and_traceable_answer(fake_server: Any, fake_profile: str, book: Path) -> None:
    _script(fake_server, [AVG_SQL], "研发部平均报销最高，为 1,250.5 元；市场部 980.25 元；行政部 410 元。")
    before = book.read_bytes()
    result, _ = _run(fake_profile, book, "各部门的平均报销金额是多少？")
    assert result.sql == AVG_SQL
    assert result.columns == ["部门", "平均"]
    assert result.rows[0] == ["研发部", 1250.5]
    assert result.untraceable_numbers == []
    assert result.prompt_tokens <= 3000
    assert book.read_bytes() == before
    first = fake_server.requests[0]
    prompt = json.dumps(first["messages"], ensure_ascii=False)
    assert "SECRET-ROW-99" not in prompt  # only the first 20 rows are sent
    assert "报销金额" in prompt and "只写一条 SELECT" in prompt  # Chinese question -> Chinese template
    narrate = json.dumps(fake_server.requests[1]["messages"], ensure_ascii=False)
    assert "1,250.50" in narrate  # as the person reads it, never 1.2505e+03


def test_invented_number_is_flagged(fake_server: Any, fake_profile: str, book: Path) -> None:
    _script(fake_server, [AVG_SQL], "研发部平均 1,250.5 元，比去年增长 37%，共 9,999 元。")
    result, events = _run(fake_profile, book, "各部门的平均报销金额是多少？")
    assert result.untraceable_numbers == ["37%", "9,999"]
    assert any(isinstance(e, Notice) and "9,999" in e.message for e in events)


def test_broken_sql_gets_one_repair(fake_server: Any, fake_profile: str, book: Path) -> None:
    _script(fake_server, ['SELECT "Department", avg(amount) FROM "报销"', AVG_SQL], "研发部最高：1250.5。")
    result, events = _run(fake_profile, book, "各部门的平均报销金额是多少？")
    assert result.repaired and result.rows[0][1] == 1250.5
    repair = fake_server.requests[1]["messages"][-1]["content"]
    assert 'SELECT "Department"' in repair and "Department" in repair
    assert any(isinstance(e, Notice) and "repair" in e.message for e in events)


def test_sql_failing_twice_is_bad_response(fake_server: Any, fake_profile: str, book: Path) -> None:
    _script(fake_server, ['SELECT nope FROM "报销"', 'SELECT still_nope FROM "报销"'], "x")
    with pytest.raises(BadResponse) as info:
        _run(fake_profile, book, "average?")
    assert "expenses.xlsx" in str(info.value) and "\n" not in str(info.value)
    assert fake_server.request_count == 2


@pytest.mark.parametrize("hostile", [
    "COPY (SELECT * FROM \"报销\") TO '{tmp}/leak.csv'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "ATTACH '{tmp}/x.db'",
    "INSTALL httpfs",
    "SELECT * FROM 'http://127.0.0.1:9/steal?x=1'",
    "SELECT 1; DROP VIEW \"报销\"",
])
def test_hostile_sql_from_model_refused(fake_server: Any, fake_profile: str, book: Path, tmp_path: Path,
                                        hostile: str) -> None:
    _script(fake_server, [hostile.format(tmp=tmp_path)] * 2, "x")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(UnsafeOutput):
        _run(fake_profile, book, "dump everything")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert fake_server.request_count == 1  # refused outright, never "repaired"


def test_cli_json(fake_server: Any, fake_profile: str, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    _script(fake_server, [AVG_SQL], "Highest: 研发部 at 1250.5; lowest 行政部 at 410; average 123.")
    code = main(["ask-sheet", str(book), "Which department has the highest average?", "--profile", fake_profile,
                 "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"question", "sql", "columns", "rows", "answer", "untraceable_numbers"}
    assert data["untraceable_numbers"] == ["123"]
    assert data["rows"][0] == ["研发部", 1250.5]


def test_cli_text_and_report(fake_server: Any, fake_profile: str, book: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    _script(fake_server, [AVG_SQL], "研发部最高，1250.5。")
    report = tmp_path / "report.xlsx"
    assert main(["ask-sheet", str(book), "各部门平均报销？", "-p", fake_profile, "-o", str(report)]) == 0
    text = capsys.readouterr().out
    assert AVG_SQL in text and "研发部最高" in text and "1,250.5" in text
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[0] == "Profile" and any(n.startswith("Q1") for n in wb.sheetnames)
    q = wb[next(n for n in wb.sheetnames if n.startswith("Q1"))]
    assert q["B2"].value == AVG_SQL
    assert q._charts  # a bar chart of the result
    # No overwrite without --force.
    assert main(["ask-sheet", str(book), "各部门平均报销？", "-p", fake_profile, "-o", str(report)]) == 1
    # Both runs are in the history, recorded by the task layer: the refusal with its error's type.
    from tests.conftest import history_runs

    runs = [r for r in history_runs() if r["task"] == "ask_sheet"]
    assert [(r["status"], r["source"]) for r in runs] == [("OutputExists", "cli"), ("ok", "cli")]
    assert runs[1]["output_path"] == str(report)


def test_prompt_budget_on_a_wide_long_sheet(tmp_path: Path) -> None:
    from copilot.documents.sheets.profile import profile_database
    from copilot.documents.sheets.query import open_database

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Wide")
    # Width and long text are what strain the budget (only 20 rows are ever sent), so 500 rows suffice.
    ws.append([f"A very long column header number {j} describing the measurement in detail" for j in range(60)])
    for i in range(500):
        ws.append([f"text value {i} " * 5 if j % 3 == 0 else i * j * 1.5 for j in range(60)])
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    db = open_database(path)
    try:
        profile = profile_database(db)
        for lang in ("zh", "en"):
            rendered, tokens = build_sql_prompt(db, profile, "what is the largest value?", lang)  # type: ignore[arg-type]
            assert tokens <= 3000
            from copilot.prompts import estimate_messages_tokens

            assert estimate_messages_tokens(rendered.messages) <= 3000
    finally:
        db.close()


@pytest.mark.parametrize(("answer", "expected"), [
    ("Revenue was 1,234,567.8 in total.", []),
    ("Revenue was 1.23 million.", []),
    ("收入约 123.5 万元。", []),
    ("Margin is 25.3%.", []),
    ("It fell by 42.", []),
    ("In Q3 2024 East led.", []),
    ("Growth was 12%.", ["12%"]),
    ("Total 5,000 and 7.", ["5,000", "7"]),
])
def test_number_tracing(answer: str, expected: list[str]) -> None:
    columns = ["region", "total", "margin", "change"]
    rows = [["East", 1234567.8, 0.2531, -42], ["West", 1235000.0, 0.1, 3]]
    assert untraceable_numbers(answer, columns, rows, "How did Q3 2024 go?") == expected
