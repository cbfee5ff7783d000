"""Excel workspace: open .xlsx/.csv, lazy table model over a 200k-row CSV (block counts, not time),
profile panel, chart of a result, flagged untraceable numbers, refusal to overwrite, cancel."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import history_runs
from tests.fake_openai_server import FakeOpenAIServer
from ui.item_models.sheet_table import LazyTableModel, SequenceRowSource, format_cell
from ui.runner import Runner
from ui.widgets.chart import ChartWidget, chart_from_table
from ui.workspaces.excel import ExcelWorkspace, flag_numbers


class CountingSource(SequenceRowSource):
    def __init__(self, columns: list[str], rows: list[list[object]]) -> None:
        super().__init__(columns, rows)
        self.fetches: list[tuple[int, int]] = []

    def fetch(self, start: int, count: int) -> list[list[object]]:
        self.fetches.append((start, count))
        return list(super().fetch(start, count))  # type: ignore[arg-type]


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[Runner]:
    r = Runner()
    yield r
    assert r.shutdown(5000)


@pytest.fixture
def workspace(qtbot: QtBot, runner: Runner) -> Iterator[ExcelWorkspace]:
    ws = ExcelWorkspace(runner)
    yield ws
    ws.close()
    runner.cancel(ws.key)
    runner.cancel(f"{ws.key}.profile")
    qtbot.waitUntil(lambda: runner.active_workers() == 0, timeout=60000)
    ws.shutdown()
    ws.deleteLater()


def _write_csv(path: Path, rows: int) -> Path:
    regions = ["North", "South", "East", "West"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "region", "amount", "date"])
        for i in range(rows):
            writer.writerow([i, regions[i % 4], f"{(i * 37) % 1000 / 10:.1f}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"])
    return path


def _open(qtbot: QtBot, ws: ExcelWorkspace, path: Path, timeout: int = 60000) -> None:
    errors: list[str] = []
    ws.sig_error.connect(errors.append)
    ws.open_file(path)
    qtbot.waitUntil(lambda: ws.db is not None or bool(errors), timeout=timeout)
    assert not errors, errors


def test_lazy_model_fetches_blocks_on_demand(qapp: QApplication) -> None:
    rows = [[i, f"r{i}", i * 0.5] for i in range(10_000)]
    source = CountingSource(["n", "name", "half"], rows)
    model = LazyTableModel(source, block_size=100, max_blocks=4)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal, model)
    source.fetches.clear()
    model.clear_cache()
    assert model.rowCount() == 10_000 and model.columnCount() == 3
    assert model.cached_blocks == 0 and not source.fetches  # counts need no rows
    assert model.data(model.index(9_999, 1)) == "r9999"
    assert model.data(model.index(9_950, 0)) == "9,950"  # same block: no new read
    assert source.fetches == [(9_900, 100)]
    for row in (0, 150, 250, 350, 450):
        model.data(model.index(row, 0))
    assert model.cached_blocks == 4  # least recently used blocks were dropped
    assert model.data(model.index(3, 2), Qt.ItemDataRole.UserRole) == 1.5
    assert model.data(model.index(3, 2), Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "name"
    assert model.rowCount(model.index(0, 0)) == 0


def test_format_cell() -> None:
    assert format_cell(None) == ""
    assert format_cell(3.0) == "3"
    assert format_cell(1234.5) == "1,234.50"
    assert format_cell(2321228.12) == "2,321,228.12"  # never 2.32123e+06
    assert format_cell(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert format_cell(dt.datetime(2024, 3, 1, 9, 30)) == "2024-03-01 09:30:00"
    assert format_cell(True) == "TRUE"


def test_open_200k_row_csv_keeps_only_fetched_blocks(qtbot: QtBot, workspace: ExcelWorkspace,
                                                     tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "big.csv", 200_000)
    _open(qtbot, workspace, path, timeout=120000)
    model = workspace.table_model
    assert model is not None
    assert model.rowCount() == 200_000 and model.columns == ["id", "region", "amount", "date"]
    workspace.resize(900, 600)
    workspace.show()
    qtbot.waitExposed(workspace)
    qtbot.waitUntil(lambda: model.cached_blocks >= 1, timeout=5000)
    assert model.cached_blocks <= 2  # only what the view painted
    view = workspace.table_view
    view.scrollToBottom()
    qapp_process(qtbot)
    assert model.data(model.index(199_999, 0)) == "199999"
    view.scrollTo(model.index(100_000, 0))
    qapp_process(qtbot)
    assert model.data(model.index(100_000, 1)) == "North"
    assert model.cached_blocks <= 6
    assert model.cached_blocks * model.block_size < 2_000  # never more than a few blocks of 200k rows
    # The profile panel fills in from its own job.
    qtbot.waitUntil(lambda: workspace.current_profile() is not None, timeout=60000)
    profile_model = workspace.profile_model
    assert profile_model is not None and profile_model.rowCount() == 4
    types = {profile_model.value(r, 0): profile_model.value(r, 1) for r in range(4)}
    assert types["amount"] == "number" and types["date"] == "date"
    assert "200,000" in workspace.summary_label.text()
    workspace.hide()


def qapp_process(qtbot: QtBot) -> None:
    qtbot.wait(50)


def test_open_xlsx_sheet_picker(qtbot: QtBot, workspace: ExcelWorkspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sales"
    sheet.append(["Region", "Q3"])
    for region, value in (("North", 10), ("South", 30), ("East", 20)):
        sheet.append([region, value])
    other = book.create_sheet("Staff")
    other.append(["Name", "Joined"])
    other.append(["Li", dt.datetime(2023, 5, 1)])
    other.append(["Ann", dt.datetime(2024, 1, 9)])
    path = tmp_path / "two.xlsx"
    book.save(path)
    before = path.read_bytes()
    _open(qtbot, workspace, path)
    assert [workspace.sheet_combo.itemText(i) for i in range(workspace.sheet_combo.count())] == ["Sales", "Staff"]
    assert workspace.table_model is not None and workspace.table_model.rowCount() == 3
    workspace.sheet_combo.setCurrentIndex(1)
    assert workspace.table_model.columns == ["Name", "Joined"]
    assert workspace.table_model.data(workspace.table_model.index(0, 1)) == "2023-05-01"
    assert path.read_bytes() == before  # the user's file is never changed


def test_bad_file_is_one_line_error(qtbot: QtBot, workspace: ExcelWorkspace, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook")
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.open_file(path)
    qtbot.waitUntil(lambda: bool(errors), timeout=20000)
    assert "fake.xlsx" in errors[0] and "\n" not in errors[0]
    assert workspace.db is None


def test_chart_choice_and_drawing(qtbot: QtBot) -> None:
    bars = chart_from_table(["region", "total"], [["North", 10.0], ["South", 30.0], ["East", None]])
    assert bars is not None and bars.kind == "bar" and bars.labels == ["North", "South"]
    line = chart_from_table(["month", "sales"], [["2024-02", 5], ["2024-01", 3], ["2024-03", 9]])
    assert line is not None and line.kind == "line" and line.labels == ["2024-01", "2024-02", "2024-03"]
    assert chart_from_table(["name"], [["a"], ["b"]]) is None
    widget = ChartWidget()
    qtbot.addWidget(widget)
    for data in (bars, line, None):
        widget.set_chart(data)
        image = widget.grab_image(QSize(300, 200), ratio=2.0)
        assert image.width() == 600 and image.devicePixelRatio() == 2.0


def test_untraceable_numbers_are_marked() -> None:
    marked = flag_numbers("North sold 30 units, 12.5% more than 2023 <b>", ["12.5", "2023"])
    assert marked.count('title="untraceable"') == 2
    assert "&lt;b&gt;" in marked and ">30<" not in marked


def test_show_answer_fills_sql_result_chart_and_warning(qtbot: QtBot, workspace: ExcelWorkspace) -> None:
    from copilot.tasks.ask_sheet import AskSheetResult

    answer = AskSheetResult(question="Which region sold most?", sql="SELECT region, sum(q3) AS total FROM t GROUP BY 1",
                            columns=["region", "total"], rows=[["North", 10], ["South", 30]],
                            answer="South sold 30, and 99 more.", untraceable_numbers=["99"])
    workspace.show_answer(answer)
    assert workspace.sql_view.toPlainText().startswith("SELECT region")
    assert workspace.result_model is not None and workspace.result_model.rowCount() == 2
    assert workspace.chart.chart is not None and workspace.chart.chart.kind == "bar"
    assert not workspace.warning_label.isHidden() and "99" in workspace.warning_label.text()
    # Qt keeps the styling of the flagged number (it drops the title attribute on round trip).
    html = workspace.answer_view.toHtml()
    assert re.search(r'text-decoration: underline; color:#c62828;">99</span>', html)
    assert "30</span>" not in html
    workspace.retranslate()  # a language switch keeps what is shown
    assert not workspace.warning_label.isHidden() and workspace.result_model.rowCount() == 2


def test_report_refuses_to_overwrite_the_open_file(qtbot: QtBot, workspace: ExcelWorkspace,
                                                   tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "small.csv", 20)
    _open(qtbot, workspace, path)
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.save_report_to(path, force=True)
    assert errors and "small.csv" in errors[0]


def test_cancel_open_mid_job(qtbot: QtBot, workspace: ExcelWorkspace, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "mid.csv", 200_000)
    busy: list[bool] = []
    workspace.sig_busy.connect(busy.append)
    workspace.open_file(path)
    assert workspace.is_busy()
    workspace.cancel()
    assert not workspace.is_busy() and busy[-1] is False
    qtbot.waitUntil(lambda: workspace.runner.active_workers() == 0, timeout=60000)
    assert workspace.db is None and workspace.table_model is None


def test_question_before_open_is_a_status_not_an_error(workspace: ExcelWorkspace) -> None:
    statuses: list[str] = []
    workspace.sig_status.connect(statuses.append)
    workspace.run()
    assert statuses and workspace.db is None
    assert workspace.table_view.model() is None or workspace.table_view.model().rowCount(QModelIndex()) == 0


def _sales_book(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sales"
    sheet.append(["Region", "Q3"])
    for region, value in (("North", 10), ("South", 30), ("East", 20)):
        sheet.append([region, value])
    book.save(path)
    return path


def _responder(request: dict) -> object:  # type: ignore[type-arg]
    if request.get("response_format"):
        return {"sql": 'SELECT "Region", sum("Q3") AS total FROM "Sales" GROUP BY 1 ORDER BY total DESC'}
    return "South sold the most: 30 units, 77 more than last year."


def test_ask_question_streams_answer_sql_result_and_saves_report(
        qtbot: QtBot, workspace: ExcelWorkspace, tmp_path: Path, fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.set_default(_responder)
    path = _sales_book(tmp_path / "sales.xlsx")
    before = path.read_bytes()
    _open(qtbot, workspace, path)
    workspace.profile_name = lambda: fake_profile  # type: ignore[method-assign]
    deltas: list[str] = []
    errors: list[str] = []
    workspace.sig_error.connect(errors.append)
    workspace.answer_view.textChanged.connect(lambda: deltas.append(workspace.answer_view.toPlainText()))
    workspace.question_edit.setText("Which region sold the most in Q3?")
    workspace.run()
    qtbot.waitUntil(lambda: bool(workspace.answers) or bool(errors), timeout=30000)
    assert not errors, errors
    result = workspace.answers[0]
    assert '"Sales"' in workspace.sql_view.toPlainText()
    assert workspace.result_model is not None and workspace.result_model.rowCount() == 3
    assert workspace.result_model.data(workspace.result_model.index(0, 0)) == "South"
    assert workspace.chart.chart is not None and workspace.chart.chart.kind == "bar"
    assert "South sold the most" in workspace.answer_view.toPlainText()
    assert len(deltas) > 2  # the narration arrived in pieces
    assert result.untraceable_numbers == ["77"]
    assert not workspace.warning_label.isHidden() and "77" in workspace.warning_label.text()
    assert workspace.history.count() == 1 and workspace.has_unsaved_work()
    assert any(r["task"] == "ask_sheet" and r["source"] == "app" for r in history_runs())
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)

    report = tmp_path / "sales-report.xlsx"
    statuses: list[str] = []
    workspace.sig_status.connect(statuses.append)
    workspace.save_report_to(report)
    qtbot.waitUntil(lambda: report.exists() or bool(errors), timeout=30000)
    assert not errors, errors
    qtbot.waitUntil(lambda: not workspace.has_unsaved_work(), timeout=5000)
    from openpyxl import load_workbook

    names = load_workbook(report).sheetnames
    assert len(names) >= 2 and path.read_bytes() == before
    # Saving again without confirmation is refused with the one-line error; the report is kept.
    workspace.save_report_to(report)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    assert "sales-report.xlsx" in errors[0] and "\n" not in errors[0]
    qtbot.waitUntil(lambda: not workspace.is_busy(), timeout=5000)


def test_cancel_question_mid_stream(qtbot: QtBot, workspace: ExcelWorkspace, tmp_path: Path,
                                    fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.set_default(_responder)
    path = _sales_book(tmp_path / "sales.xlsx")
    _open(qtbot, workspace, path)
    qtbot.waitUntil(lambda: workspace.current_profile() is not None, timeout=30000)
    fake_server.latency = 3.0
    workspace.profile_name = lambda: fake_profile  # type: ignore[method-assign]
    workspace.question_edit.setText("Which region sold the most?")
    workspace.run()
    assert workspace.is_busy()
    assert fake_server.wait_for_requests(1, timeout=10)
    workspace.cancel()
    assert not workspace.is_busy()
    qtbot.waitUntil(lambda: workspace.runner.active_workers() == 0, timeout=15000)
    assert workspace.answers == [] and workspace.answer_view.toPlainText() == ""


def test_language_switch_retranslates(qtbot: QtBot, runner: Runner) -> None:
    from ui.i18n import install_language
    from ui.workspaces.powerpoint import PowerPointWorkspace

    excel, deck = ExcelWorkspace(runner), PowerPointWorkspace(runner)
    for ws in (excel, deck):
        qtbot.addWidget(ws)
    try:
        install_language("zh_CN")
        qtbot.waitUntil(lambda: excel.ask_button.text() == "提问", timeout=5000)
        assert excel.title() == "Excel" and excel.left_tabs.tabText(1) == "表格概况"
        assert deck.generate_button.text() == "生成大纲"
        assert deck.model.headerData(0, Qt.Orientation.Horizontal) == "幻灯片 / 要点"
    finally:
        install_language("en")
    qtbot.waitUntil(lambda: excel.ask_button.text() == "Ask", timeout=5000)
    assert deck.generate_button.text() == "Generate outline"


def test_million_row_duckdb_source_reads_only_visible_blocks(qtbot: QtBot) -> None:
    import duckdb
    from PySide6.QtWidgets import QTableView

    from ui.item_models.sheet_table import DuckDBRowSource

    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE big AS SELECT range AS id, range % 7 AS g, 'row ' || range AS label "
                "FROM range(1000000)")
    source = DuckDBRowSource(con, "big")
    model = LazyTableModel(source, block_size=256, max_blocks=16)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == 1_000_000
    for row in (0, 250_000, 999_999, 500_000, 999_000):
        view.scrollTo(model.index(row, 0))
        qtbot.waitUntil(lambda r=row: model.data(model.index(r, 2)) == f"row {r}", timeout=5000)  # type: ignore[misc]
    assert model.cached_blocks <= 16
    assert model.blocks_fetched < 40  # a handful of 256-row blocks, not 1,000,000 rows
    source.close()
    assert model.value(999_999, 0) == 999_999  # cached block still answers; a closed source reads nothing new
    con.close()
    view.hide()


def test_numbers_as_people_read_them_and_claims_marked(qtbot: QtBot, workspace: ExcelWorkspace) -> None:
    from PySide6.QtGui import QGuiApplication

    from copilot.tasks.ask_sheet import AskSheetResult

    answer = AskSheetResult(
        question="哪个区域销售额最高？", sql='SELECT "区域", SUM("销售额") AS "总额" FROM t GROUP BY 1',
        columns=["区域", "总额"], rows=[["华东", 2321228.1234], ["华南", 1900000.5]],
        answer="华南区域的销售额最高，其次是华东。", untraceable_numbers=[],
        number_formats=['"¥"#,##0.00', "#,##0.00"],
        unsupported_claims=[{"claim": "华南区域的销售额最高", "reason": "结果中总额最高的是华东，不是华南"}])
    workspace.show_answer(answer)
    model = workspace.result_model
    assert model is not None
    cell = model.index(0, 1)
    assert model.data(cell) == "2,321,228.12"
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole) == "2321228.1234"
    assert model.data(cell, Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    workspace.result_view.selectionModel().select(cell, workspace.result_view.selectionModel().SelectionFlag.Select)
    workspace.copy_cells(workspace.result_view)
    assert QGuiApplication.clipboard().text() == "2321228.1234"  # Copy copies the exact value
    assert "不是华南" in workspace.warning_label.text() and not workspace.warning_label.isHidden()
    assert "✗ 华南区域的销售额最高" in workspace.answer_view.toPlainText()
    assert "line-through" in workspace.answer_view.toHtml()
    assert workspace.result_view.horizontalHeader().sectionSize(1) >= workspace.result_view.fontMetrics(
        ).horizontalAdvance("2,321,228.12")
