"""Syntax checkers: ok / failed with a one-line reason / not checked when the tool is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from copilot.code.checkers import CheckResult, check_code
from copilot.code.light import check_css, check_excel_formula, check_html, check_vba

GOOD_BAD = {
    "python": ("def f(x):\n    return x\n", "def f(x)\n    return x\n", "line 1"),
    "sql": ("SELECT customer, SUM(amount) FROM sales GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
            "SELECT TOP 5 customer FROM sales", "DuckDB parser"),
    "json": ('{"a": [1, 2]}', '{"a": [1, 2],}', "line 1 column"),
    "regex": (r"^1[3-9]\d{9}$", r"^(1[3-9]\d{9}$", "Python re"),
    "excel-formula": ('=SUMIFS(D:D,B:B,"华东")', '=SUMIFS(D:D,B:B,"华东"', "'(' never closed"),
    "html": ("<ul><li>a<li>b</ul><br><img src=x>", "<div><span>x</div>", "</div>"),
    "css": ("a { color: red; }\n@media (max-width: 600px) { .x { margin: 0 } }", "a { color red; }",
            "property: value"),
    "vba": ("Sub A()\n  If x Then\n    y = 1\n  End If\nEnd Sub", "Sub A()\n  If x Then\n    y = 1\nEnd Sub",
            "VBA structure"),
}
TOOLS = {
    "bash": ("bash", "for f in *; do echo \"$f\"; done", "if true; then\n  echo x\n", "line 3"),
    "javascript": ("node", "const fs = require('fs');\nfunction f() { return 1 }", "function f( {\n", "SyntaxError"),
    "c": ("gcc", "#include <stdio.h>\nint main(void) { puts(\"x\"); return 0; }", "int main(void) { return 0 }",
          "line 1"),
    "cpp": ("g++", "#include <vector>\nint main() { std::vector<int> v; return (int)v.size(); }",
            "int main() { return 0 }", "line 1"),
    "java": ("javac", "import org.apache.poi.ss.usermodel.Workbook;\npublic class Demo { void f() { int x = 1; } }",
             "public class Demo { void f() { int x = 1 } }", "';' expected"),
    "go": ("gofmt", "package main\n\nfunc main() {}\n", "package main\nfunc main( {\n", "line"),
    "typescript": ("tsc", "const a: number = 1;\n", "const a: number = ;\n", "TS1"),
    "powershell": ("pwsh", "Get-ChildItem | Where-Object { $_.Length -gt 10MB }", "if ($x {", "line"),
}


@pytest.mark.parametrize("lang", sorted(GOOD_BAD))
def test_in_process_checkers(lang: str) -> None:
    good, bad, reason = GOOD_BAD[lang]
    ok = check_code(good, lang)
    assert ok.status == "ok", ok
    assert ok.line().startswith("checked: ok")
    failed = check_code(bad, lang)
    assert failed.status == "failed"
    assert reason in failed.reason
    assert failed.line() == f"checked: failed — {failed.reason}"
    assert "\n" not in failed.line()


@pytest.mark.parametrize("lang", sorted(TOOLS))
def test_tool_checkers(lang: str) -> None:
    tool, good, bad, reason = TOOLS[lang]
    if shutil.which(tool) is None:
        result = check_code(good, lang)
        assert result.status == "not_checked"
        assert result.line() == f"not checked — no {tool} on this machine"
        return
    assert check_code(good, lang).status == "ok", check_code(good, lang)
    failed = check_code(bad, lang)
    assert failed.status == "failed", failed
    assert reason in failed.reason and "\n" not in failed.reason
    assert "desk-copilot-check" not in failed.reason  # temp paths are not shown


def test_missing_tool_is_not_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for lang, tool in (("javascript", "node"), ("bash", "bash"), ("c", "gcc"), ("java", "javac")):
        result = check_code("x", lang)
        assert result == CheckResult("not_checked", f"no {tool} on this machine", tool)
    # Python still parses in-process and says ruff was not there.
    py = check_code("x = 1", "python")
    assert py.status == "ok" and "ruff not installed" in py.reason


def test_python_notes_do_not_fail() -> None:
    result = check_code("import os\nx = 1\n", "python")
    assert result.status == "ok"
    if shutil.which("ruff"):
        assert "F401" in result.reason and result.notes


def test_python_compile_level_errors_and_warnings() -> None:
    assert "outside function" in check_code("return 1", "python").reason
    # An invalid escape is a SyntaxWarning only; with warnings as errors it must still be ok.
    assert check_code("p = '\\d+'", "python").status == "ok"


def test_missing_header_is_not_a_failure() -> None:
    if shutil.which("gcc") is None:
        pytest.skip("no gcc")
    result = check_code("#include <windows.h>\nint main(void) { return 0; }", "c")
    assert result.line() == "not checked — no windows.h header on this machine"


def test_empty_code_fails() -> None:
    assert check_code("  ", "python").line() == "checked: failed — no code found in the reply"


def test_regex_is_reported_as_python_flavoured_and_delimiters_are_unwrapped() -> None:
    assert "Python-flavoured" in check_code(r"^\d+$", "regex").line()
    assert check_code(r"/^1[3-9]\d{9}$/g", "regex").status == "ok"
    assert check_code(r"r'^\d{4}-\d{2}$'", "regex").status == "ok"


def test_vba_check_is_reported_as_structural() -> None:
    code = ("Option Explicit\nPrivate Declare PtrSafe Function GetTickCount Lib \"kernel32\" () As Long\n"
            "Public Function Total(r As Range) As Double\n  Dim c As Range\n  For Each c In r\n"
            "    If c.Value > 0 Then Total = Total + c.Value ' one-line If\n  Next c\n"
            "  Select Case Total\n    Case Is > 10: Total = 10\n  End Select\n  With r\n    .Font.Bold = True\n"
            "  End With\n  Do While Total > 1\n    Total = Total - 1\n  Loop\nEnd Function")
    result = check_code(code, "vba")
    assert result.status == "ok", result
    assert "structure only" in result.line()
    assert check_vba("Sub A()\nNext\nEnd Sub") == "line 2: 'Next' found while the Sub opened on line 1 is still open"
    assert check_vba("End Sub") == "line 1: 'End Sub' without an opening Sub"
    assert check_vba("Function F()\n  x = \"End Function\"") == "the Function opened on line 1 is never closed"


def test_light_parsers_details() -> None:
    assert check_html("<p>one<p>two<table><tr><td>x</table>") is None
    assert check_html("<div>") == "<div> opened on line 1 is never closed"
    assert check_html("</span>") == "line 1: </span> has no matching <span>"
    assert check_css("/* c */ a::before { content: \"}\"; } :root { --x: 1px }") is None
    assert check_css("a { color: red; } }") == "line 1: '}' without a matching '{'"
    assert check_css("/* open") == "line 1: comment never closed"
    assert check_excel_formula('=IF(A1>0,"是","否")') is None
    assert check_excel_formula("SUM(A1:A3)") is None  # the leading = is optional for the check
    assert "full-width" in (check_excel_formula("=SUM(A1:A3，B1)") or "")
    assert check_excel_formula("=SUM(A1))") == "')' at position 8 has no matching '('"


def test_sql_is_parsed_not_executed(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = check_code(f"COPY (SELECT 42) TO '{target}' (HEADER);", "sql")
    assert result.status == "ok"
    assert not target.exists()


def test_c_include_outside_the_snippet_is_not_read() -> None:
    result = check_code('#include "/dev/zero"\nint x;', "c")
    assert result.line() == "not checked — it #includes a file outside the snippet (not read here)"
