"""Small robustness cases: library warnings go to the log (not stderr), a CSV the csv module cannot
read and a report cell with control characters end in one line or not at all."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from copilot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_library_warnings_go_to_the_log_not_stderr(tmp_path: Path) -> None:
    book = tmp_path / "header.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.save(book)
    patched = tmp_path / "bad-header.xlsx"
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(patched, "w") as b:
        for info in a.infolist():
            data = a.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":  # a header openpyxl cannot parse
                data = data.replace(b"</worksheet>", b"<headerFooter><oddHeader>Page &amp;P</oddHeader>"
                                                     b"</headerFooter></worksheet>")
            b.writestr(info, data)
    home = tmp_path / "home"
    script = ("import openpyxl, sys; from copilot.logsetup import configure_logging; configure_logging(); "
              "openpyxl.load_workbook(sys.argv[1])")
    proc = subprocess.run([sys.executable, "-c", script, str(patched)], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "DESK_COPILOT_HOME": str(home), "PATH": "/usr/bin:/bin"},
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    logs = [p.read_text(encoding="utf-8") for p in home.rglob("*.log")]
    assert any("Cannot parse header or footer" in text for text in logs)


def test_csv_the_csv_module_cannot_read_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge-field.csv"
    path.write_text("name,notes\nx," + "y" * 200_000 + "\n", encoding="utf-8")  # past csv's field limit
    assert main(["analyse", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "huge-field.csv" in err and "Traceback" not in err
    assert "not a readable CSV" in err


def test_control_characters_do_not_break_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ctrl.csv"
    path.write_text("name,notes\nalpha,bell\x07here\nbeta,ok\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    assert main(["analyse", str(path), "-o", str(report)]) == 0, capsys.readouterr().err
    values = [c for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True) for c in row]
    assert not any(isinstance(v, str) and "\x07" in v for v in values)
