"""formula explain / write: tokenizer checks, references limited to the sheet, one repair round."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copilot.documents.sheets.formulas import SheetShape, check_formula, parse_formula
from copilot.errors import BadResponse

openpyxl = pytest.importorskip("openpyxl")

SHAPE = SheetShape("Sales", 0, 2, 49, ("Sales", "Other"))


def test_parse_formula() -> None:
    parts = parse_formula('=SUMIFS(C2:C49,A2:A49,"East",B:B,">=2024-01-01")')
    assert parts.functions == ["SUMIFS"]
    assert parts.references == ["C2:C49", "A2:A49", "B:B"]
    assert parse_formula("=IF(ISNUMBER(A2),ROUND(A2*1.1,2),0)").functions == ["IF", "ISNUMBER", "ROUND"]
    with pytest.raises(ValueError):
        parse_formula("=SUM(A1:A3")


@pytest.mark.parametrize(("formula", "ok"), [
    ("=SUM(C2:C49)", True),
    ("=AVERAGEIFS($C$2:$C$49,$A$2:$A$49,\"East\")", True),
    ("=SUM(Other!Z1:Z9)", True),
    ("=SUM(D2:D49)", False),  # column D does not exist
    ("=SUM(C2:C5000)", False),  # rows beyond the sheet
    ("=SUM(Missing!A1:A3)", False),
    ("=SUM([1]Sheet1!A1:A3)", False),
    ("=SUM(MyRange)", False),
    ("=SUM(C2:C49", False),
])
def test_check_formula(formula: str, ok: bool) -> None:
    assert (check_formula(formula, SHAPE) == []) is ok


@pytest.fixture
def sales(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Region", "Month", "Revenue"])
    for i in range(10):
        ws.append(["East" if i % 2 else "West", i + 1, 100 + i])
    path = tmp_path / "sales.xlsx"
    wb.save(path)
    return path


def _formula_server(server: Any, formulas: list[str]) -> None:
    replies = iter(formulas)

    def respond(req: dict[str, Any]) -> Any:
        return {"formula": next(replies), "explanation": "sums revenue for East"}

    server.reply(respond)


def test_write_formula_with_repair(fake_server: Any, fake_profile: str, sales: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    _formula_server(fake_server, ['=SUMIFS(F2:F11,A2:A11,"East")', '=SUMIFS(C2:C11,A2:A11,"East")'])
    assert main(["formula", "write", str(sales), "total revenue for East", "-p", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["formula"] == '=SUMIFS(C2:C11,A2:A11,"East")'
    prompt = fake_server.requests[0]["messages"][-1]["content"]
    assert "C Revenue (integer)" in prompt and "2–11" in prompt
    repair = fake_server.requests[1]["messages"][-1]["content"]
    assert "column F is outside the table" in repair


def test_write_formula_fails_twice(fake_server: Any, fake_profile: str, sales: Path) -> None:
    from copilot.models import get_provider
    from copilot.tasks.formula import write_formula

    _formula_server(fake_server, ["=SUM(Z1:Z3)", "=SUM(Q1:Q3)"])
    with pytest.raises(BadResponse):
        list(write_formula(get_provider(fake_profile), sales, "sum it"))


def test_explain_formula(fake_server: Any, fake_profile: str, capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    fake_server.reply(lambda req: "这个公式对 C 列中 A 列为“华东”的行求和。")
    assert main(["formula", "explain", '=SUMIFS(C:C,A:A,"华东")', "-p", fake_profile]) == 0
    assert "求和" in capsys.readouterr().out
    system = fake_server.requests[0]["messages"][0]["content"]
    assert "Excel 专家" in system  # Chinese text in the formula -> Chinese explanation
    user = fake_server.requests[0]["messages"][-1]["content"]
    assert "SUMIFS" in user and "C:C" in user
    assert main(["formula", "explain", "=SUM(A1:A3", "-p", fake_profile]) == 2
    assert main(["formula", "explain", "=VLOOKUP(E2,$A$2:$C$100,3,FALSE)", "--lang", "en", "-p", fake_profile]) == 0
    assert "Excel expert" in fake_server.requests[-1]["messages"][0]["content"]
