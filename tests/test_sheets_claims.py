"""Narrated claims checked against the query result: a set of right and wrong narrations (zh, en),
the cell-reference alternative, and ask-sheet end to end on a 600-row sales workbook."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from copilot.documents.sheets.cellrefs import fill_references, unsupported_claims_with_references
from copilot.documents.sheets.claims import unsupported_claims

REGIONS_ZH = (["区域", "总额"], [["华东", 2403821.89], ["华北", 1898878.32], ["华南", 1629266.58],
                                ["西南", 1197029.38], ["华中", 873764.12]],
              'SELECT "区域", SUM("销售额") AS "总额" FROM "销售明细" GROUP BY 1 ORDER BY "总额" DESC')
PRODUCTS_ZH = (["产品", "总数量", "sum(销售额)"],
               [["键盘", 759, 154757.85], ["笔记本电脑", 750, 4880660.43], ["显示器", 748, 1049814.09],
                ["打印机", 743, 1917527.92]],
               'SELECT "产品", SUM("数量") AS "总数量", SUM("销售额") FROM "销售明细" GROUP BY 1 ORDER BY 2 DESC')
REGIONS_EN = (["Region", "Total"], [["East", 2403821.89], ["North", 1898878.32], ["South", 1629266.58],
                                    ["West", 1197029.38]],
              "SELECT Region, SUM(Sales) AS Total FROM sales GROUP BY 1 ORDER BY Total DESC")
SOURCES = ["日期", "区域", "产品", "销售额", "数量", "销售员", "Region", "Sales"]
RESULTS = {"zh": REGIONS_ZH, "products": PRODUCTS_ZH, "en": REGIONS_EN}

# (result, narration, substrings every one of which some reason must contain; [] = a right narration)
NARRATIONS: list[tuple[str, str, list[str]]] = [
    ("zh", "华南区域的销售额最高，其次是华东。", ["最高的是华东，不是华南"]),
    ("zh", "华东最高，为 2,403,821.89 元，其次是华北。", []),
    ("zh", "华东的销售额最高，华中最低。", []),
    ("zh", "华北的销售额最低。", ["最低的是华中，不是华北"]),
    ("zh", "华南排名第三。", []),
    ("zh", "华南排名第二。", ["华南在结果中总额排第 3 位，不是第 2 位"]),
    ("zh", "华北的销售额高于华东。", ["华北的总额（1,898,878.32）不高于华东"]),
    ("zh", "华东的销售额超过华北。", []),
    ("zh", "华中比西南高。", ["华中的总额（873,764.12）不高于西南"]),
    ("zh", "西南比华中多。", []),
    ("zh", "前三名是华东、华北和华南。", []),
    ("zh", "前两名是华东和西南。", ["西南不在结果中总额的前 2 名里"]),
    ("zh", "西北区域的销售额最高。", ["西北不在查询结果中"]),
    ("zh", "华南并不是最高的区域。", []),
    ("zh", "销售额最高的是华东，最低的是华中。", []),
    ("zh", "销售额最高的是华北。", ["最高的是华东，不是华北"]),
    ("zh", "华中倒数第一，西南倒数第二。", []),
    ("zh", "西南倒数第一。", ["最低的是华中，不是西南"]),
    ("zh", "各区域中，华东领先于其他区域。", []),
    ("products", "笔记本电脑的销售额最高，但数量最少。", ["最低的是打印机，不是笔记本电脑"]),
    ("products", "键盘卖出的数量最多，共 759 件。", []),
    ("products", "打印机的数量最多。", ["最高的是键盘，不是打印机"]),
    ("products", "显示器的销售额高于打印机。", ["显示器的sum(销售额)（1,049,814.09）不高于打印机"]),
    ("products", "笔记本电脑销售额最高，达 4,880,660.43 元。", []),
    ("en", "The South region had the highest sales, followed by East.", ["South is not the highest", "East ranks 1st"]),
    ("en", "East had the highest sales at 2,403,821.89, followed by North.", []),
    ("en", "West had the lowest total.", []),
    ("en", "North had the lowest total.", ["North is not the lowest in the result; West is"]),
    ("en", "South ranks third.", []),
    ("en", "South ranks second.", ["South ranks 3rd by Total in the result, not 2nd (North is)"]),
    ("en", "North outsold East.", ["North (1,898,878.32) is not higher than East"]),
    ("en", "East outsold North.", []),
    ("en", "West sold less than South.", []),
    ("en", "The top 2 regions are East and South.", ["South is not in the top 2"]),
    ("en", "The Central region leads all regions.", ["Central does not appear in the result"]),
    ("en", "South is not the highest region.", []),
    ("en", "Sales in West were higher than in South.", ["West (1,197,029.38) is not higher than South"]),
    ("en", "Sales in East were higher than in North.", []),
    ("en", "East led with 2,403,821.89, followed by North at 1,898,878.32. South came third.", []),
    ("en", "South had the highest sales. East was second, at 2,403,821.89.",
     ["South is not the highest in the result; East is", "East ranks 1st by Total in the result, not 2nd"]),
]


@pytest.mark.parametrize(("result", "narration", "expected"), NARRATIONS)
def test_narration_claims(result: str, narration: str, expected: list[str]) -> None:
    columns, rows, sql = RESULTS[result]
    claims = unsupported_claims(narration, columns, rows, sql=sql, source_columns=SOURCES,
                                known_names=["华东", "华北", "华南", "西南", "华中", "西北"])
    reasons = [c["reason"] for c in claims]
    if not expected:
        assert claims == []
    for part in expected:
        assert any(part in r for r in reasons), (part, reasons)
    assert all(c["claim"] and c["claim"] in narration for c in claims)


def test_the_set_is_large_and_balanced() -> None:
    wrong = [n for n in NARRATIONS if n[2]]
    assert len(NARRATIONS) >= 30 and 12 <= len(wrong) <= len(NARRATIONS) - 12
    assert {r for r, _, _ in NARRATIONS} == {"zh", "products", "en"}


def test_cell_references_are_filled_and_checked() -> None:
    columns, rows, sql = REGIONS_ZH
    filled, mentions, bad = fill_references("[[R1C1]]最高，为 [[R1C2]] 元；[[R9C1]]", columns, rows)
    assert filled.startswith("华东最高，为 2,403,821.89 元") and bad == ["[[R9C1]]"]
    assert [m.rows for m in mentions] == [frozenset({0}), frozenset({0})]
    _, claims = unsupported_claims_with_references("[[R2C1]]的销售额最高，其次是[[R1C1]]。", columns, rows, sql=sql,
                                                   source_columns=SOURCES)
    assert any("不是华北" in c["reason"] for c in claims)
    # A value quoted from another row than the superlative's subject.
    _, claims = unsupported_claims_with_references("[[R1C1]]最高，为 [[R2C2]] 元。", columns, rows, sql=sql)
    assert any("第 2 行" in c["reason"] for c in claims)
    _, claims = unsupported_claims_with_references("[[R1C1]]最高，为 [[R1C2]] 元，其次是[[R2C1]]。", columns, rows,
                                                   sql=sql)
    assert claims == []


# --- ask-sheet end to end -------------------------------------------------------------------------

REGION_SQL = 'SELECT "区域", SUM("销售额") AS "总额" FROM "销售明细" GROUP BY 1 ORDER BY "总额" DESC'


@pytest.fixture(scope="module")
def sales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = Path(__file__).resolve().parents[1] / "examples" / "make_sales_workbook.py"
    spec = importlib.util.spec_from_file_location("make_sales_workbook", here)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.make(tmp_path_factory.mktemp("sales") / "sales.xlsx")
    return path


def _script(server: Any, narration: str) -> None:
    def respond(req: dict[str, Any]) -> Any:
        if "DuckDB" in str(req["messages"][0]["content"]):
            return {"sql": REGION_SQL, "note": ""}
        return narration

    server.reply(respond)


def test_ask_sheet_flags_the_wrong_region(fake_server: Any, fake_profile: str, sales: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    _script(fake_server, "华南区域的销售额最高，其次是华东。")
    report = tmp_path / "report.xlsx"
    assert main(["ask-sheet", str(sales), "哪个区域销售额最高？", "-p", fake_profile, "-o", str(report)]) == 0
    text = capsys.readouterr().out
    assert "华南区域的销售额最高 — 结果中总额最高的是华东，不是华南" in text
    assert "2,403,821.89" in text and "e+" not in text
    # The narration prompt shows the numbers the way the person reads them.
    narrate = json.dumps(fake_server.requests[-1]["messages"], ensure_ascii=False)
    assert "2,403,821.89" in narrate and "e+0" not in narrate
    openpyxl = pytest.importorskip("openpyxl")
    q = openpyxl.load_workbook(report)[next(n for n in openpyxl.load_workbook(report).sheetnames if n.startswith("Q1"))]
    values = [str(c.value) for row in q.iter_rows() for c in row if c.value is not None]
    assert any("不是华南" in v for v in values)
    money = [c for row in q.iter_rows() for c in row if isinstance(c.value, float)]
    assert money and all(c.number_format == "#,##0.00" for c in money)

    assert main(["ask-sheet", str(sales), "哪个区域销售额最高？", "-p", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unsupported_claims"][0]["claim"] == "华南区域的销售额最高"
    assert data["rows"][0] == ["华东", pytest.approx(2403821.89)]  # --json keeps the raw value


def test_ask_sheet_right_narration_lists_none(fake_server: Any, fake_profile: str, sales: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    _script(fake_server, "华东最高，为 2,403,821.89 元，其次是华北。")
    assert main(["ask-sheet", str(sales), "哪个区域销售额最高？", "-p", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unsupported_claims"] == [] and data["untraceable_numbers"] == []


def test_analyse_prints_no_scientific_notation(sales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from copilot.cli.main import main

    assert main(["analyse", str(sales), "-o", str(tmp_path / "profile.xlsx")]) == 0
    text = capsys.readouterr().out
    assert "e+" not in text and "销售额: number" in text
    line = next(x for x in text.splitlines() if "销售额" in x)
    assert "95,0" in line or "," in line.split("mean")[1]
