"""analyse CLI (text, --json, --md, -o) and the report workbook (openpyxl and LibreOffice re-open it)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from copilot.cli.main import main

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def sales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["Region", "Date", "Revenue", "Units"])
    for i in range(90):
        ws.append([["East", "West", "华南"][i % 3], dt.date(2024, 1, 1) + dt.timedelta(days=4 * i),
                   round(100 + i * 3.5, 2), i % 7])
    ws.append(["Total", None, sum(round(100 + i * 3.5, 2) for i in range(90)), sum(i % 7 for i in range(90))])
    path = tmp_path_factory.mktemp("report") / "sales.xlsx"
    wb.save(path)
    return path


def test_analyse_json_shape(sales: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyse", str(sales), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"file", "sheets"}
    (sheet,) = data["sheets"]
    assert {"name", "rows", "header_rows", "columns"} <= set(sheet)
    assert sheet["rows"] == 90 and sheet["totals_row"]["row"] == 92
    keys = {"name", "type", "count", "missing", "distinct", "min", "max", "mean", "median", "std", "top"}
    for col in sheet["columns"]:
        assert keys <= set(col)
        assert col["type"] in {"integer", "number", "percent", "currency", "date", "datetime", "text", "boolean",
                               "mixed", "empty"}
    types = {c["name"]: c["type"] for c in sheet["columns"]}
    assert types == {"Region": "text", "Date": "date", "Revenue": "number", "Units": "integer"}


def test_analyse_text_md_and_report(sales: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sales.read_bytes()
    report, md = tmp_path / "out" / "report.xlsx", tmp_path / "profile.md"
    assert main(["analyse", str(sales), "-o", str(report), "--md", str(md)]) == 0
    text = capsys.readouterr().out
    assert "90 rows" in text and "totals row 92 excluded" in text
    assert sales.read_bytes() == before
    assert "| Revenue | number |" in md.read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:2] == ["Profile", "Charts"]
    charts = wb["Charts"]._charts
    assert {type(c).__name__ for c in charts} == {"BarChart", "LineChart"}
    assert wb["Profile"]["A3"].value == "table"
    # Existing outputs are not overwritten without --force.
    assert main(["analyse", str(sales), "-o", str(report)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["analyse", str(sales), "-o", str(report), "--force"]) == 0


def test_report_must_not_replace_input(sales: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsx"
    shutil.copy(sales, copy)
    before = copy.read_bytes()
    assert main(["analyse", str(copy), "-o", str(copy), "--force"]) == 2
    assert copy.read_bytes() == before


def test_bad_inputs_one_line(tmp_path: Path, corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt.xlsx"
    notes.write_text("just text", encoding="utf-8")
    cases = [notes, corpus_dir / "xlsx" / "pass_protected.xlsx", corpus_dir / "xlsx" / "picture.xlsx",
             tmp_path / "missing.xlsx", tmp_path / "doc.docx"]
    (tmp_path / "doc.docx").write_bytes(b"PK\x03\x04 not really")
    for path in cases:
        assert main(["analyse", str(path)]) == 1
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and path.name in err and "Traceback" not in err


@pytest.mark.soffice
def test_report_opens_in_libreoffice(sales: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    report = tmp_path / "report.xlsx"
    assert main(["analyse", str(sales), "-o", str(report)]) == 0
    profile_dir = tmp_path / "lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(report)],
                          capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "pdf" / "report.pdf"
    assert pdf.exists(), proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def test_formula_text_stays_text_in_report(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Team", "Score"])
    for i in range(6):
        cell = ws.cell(i + 2, 1, ['=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "Plain"][i % 3])
        cell.data_type = "s"  # stored as text in the source
        ws.cell(i + 2, 2, i * 10)
    src = tmp_path / "teams.xlsx"
    wb.save(src)
    report = tmp_path / "r.xlsx"
    assert main(["analyse", str(src), "-o", str(report)]) == 0
    out = openpyxl.load_workbook(report)
    texts = [c for row in out["Charts"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert texts and all(c.data_type == "s" for c in texts)
    profile_cells = [c for row in out["Profile"].iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in profile_cells)


def test_analyse_summarise_flags_invented_numbers(sales: Path, fake_server: object, fake_profile: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    fake_server.reply(lambda req: "- 共 90 行，合计行 92 已排除。\n- Revenue 均值 255.75，另有 4321 个异常值。")  # type: ignore[attr-defined]
    assert main(["analyse", str(sales), "--summarise", "-p", fake_profile, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["untraceable_numbers"] == ["4321"]
    sent = json.dumps(fake_server.requests[0]["messages"], ensure_ascii=False)  # type: ignore[attr-defined]
    assert "Revenue" in sent and "华南" in sent
