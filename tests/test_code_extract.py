"""Extracting code from model replies, and the language table."""

from __future__ import annotations

import pytest

from copilot.code.extract import extract_code
from copilot.code.languages import LANGUAGES, guess_language, language_for_path, resolve_language
from copilot.errors import UsageError

PY = LANGUAGES["python"]


def test_every_required_language_is_in_the_table() -> None:
    required = ["python", "javascript", "typescript", "sql", "bash", "powershell", "vba", "excel-formula",
                "regex", "json", "html", "css", "java", "go", "c", "cpp"]
    assert set(required) <= set(LANGUAGES)
    for name in required:
        lang = LANGUAGES[name]
        assert lang.extension.startswith(".") and lang.fence_tags and lang.template.startswith("code.")


@pytest.mark.parametrize(("given", "name"), [("py", "python"), ("JS", "javascript"), ("Excel", "excel-formula"),
                                             ("c++", "cpp"), ("sh", "bash"), ("pwsh", "powershell"),
                                             ("excel_formula", "excel-formula"), ("golang", "go")])
def test_aliases_resolve(given: str, name: str) -> None:
    assert resolve_language(given).name == name


def test_unknown_language_is_a_usage_error_with_suggestions() -> None:
    with pytest.raises(UsageError, match=r"unknown language 'pyton'.*python"):
        resolve_language("pyton")


def test_language_from_path_and_task() -> None:
    assert language_for_path("report.SQL") is LANGUAGES["sql"]
    assert language_for_path("notes.docx") is None
    assert guess_language("Excel 公式：对 D 列求和") is LANGUAGES["excel-formula"]
    assert guess_language("VBA macro to export each sheet as PDF") is LANGUAGES["vba"]
    assert guess_language("a regex for Chinese mobile numbers") is LANGUAGES["regex"]
    assert guess_language("SQL: top 5 customers by revenue") is LANGUAGES["sql"]
    assert guess_language("写一个把文件夹里所有 xlsx 合并的程序") is None


def test_fenced_block_with_tag() -> None:
    got = extract_code("```python\nprint('hi')\n```", PY)
    assert (got.code, got.explanation, got.method, got.tag) == ("print('hi')", "", "fence", "python")


def test_fenced_block_without_tag() -> None:
    got = extract_code("```\nx = 1\ny = 2\n```", PY)
    assert got.code == "x = 1\ny = 2" and got.tag == ""


def test_tilde_fence_and_info_string() -> None:
    got = extract_code("~~~py title=\"a.py\"\nx = 1\n~~~", PY)
    assert got.code == "x = 1" and got.tag == "py"


def test_several_blocks_pick_the_language_and_keep_explanation() -> None:
    reply = ("First install the library:\n\n```bash\npip install openpyxl\n```\n\nThen:\n\n"
             "```python\nimport openpyxl\n\ndef merge(folder):\n    return folder\n```\n\n"
             "Output:\n```text\nok\n```\nThis merges the files.")
    got = extract_code(reply, PY)
    assert got.code.startswith("import openpyxl") and got.code.endswith("return folder")
    assert "pip install openpyxl" in got.explanation and "This merges the files." in got.explanation
    bash = extract_code(reply, LANGUAGES["bash"])
    assert bash.code == "pip install openpyxl"


def test_several_blocks_of_the_language_take_the_first() -> None:
    reply = ("```python\ndef double(x):\n    return x * 2\n```\nUsage:\n```python\ndouble(2)\n```\n"
             "Alternatively, a longer version:\n```python\ndef double(x):\n    result = x + x\n    return result\n```")
    got = extract_code(reply, PY)
    assert got.code == "def double(x):\n    return x * 2"
    assert "double(2)" in got.explanation and "result = x + x" in got.explanation


def test_related_tag_is_a_fallback() -> None:
    got = extract_code("Here:\n```js\nconst a: number = 1;\n```\n```json\n{}\n```", LANGUAGES["typescript"])
    assert got.code == "const a: number = 1;"


def test_leading_chatter_before_a_fence() -> None:
    reply = "Sure! Here is the function you asked for:\n\n```python\ndef f():\n    return 1\n```"
    got = extract_code(reply, PY)
    assert got.code == "def f():\n    return 1"
    assert got.explanation.startswith("Sure!")


def test_no_fences_with_chatter_around() -> None:
    reply = "以下是代码：\nimport os\n\nfor name in os.listdir('.'):\n    print(name)\n这段代码列出当前目录的文件。"
    got = extract_code(reply, PY)
    assert got.method == "no-fence"
    assert got.code == "import os\n\nfor name in os.listdir('.'):\n    print(name)"
    assert "以下是代码" in got.explanation and "列出当前目录" in got.explanation


def test_no_fences_plain_code() -> None:
    code = "SELECT customer, SUM(amount) AS revenue\nFROM sales\nGROUP BY customer\nORDER BY 2 DESC\nLIMIT 5;"
    got = extract_code(code, LANGUAGES["sql"])
    assert got.code == code and got.explanation == ""


def test_unclosed_fence_runs_to_the_end() -> None:
    got = extract_code("```python\ndef f():\n    return 1", PY)
    assert got.code == "def f():\n    return 1"


def test_closing_fence_glued_to_code() -> None:
    got = extract_code("```sql\nSELECT 1;```\nDone.", LANGUAGES["sql"])
    assert got.code == "SELECT 1;" and got.explanation == "Done."


def test_think_block_is_dropped() -> None:
    got = extract_code("<think>maybe ```python\nwrong()\n```</think>\n```python\nright()\n```", PY)
    assert got.code == "right()" and "wrong" not in got.explanation


def test_excel_formula_inline_and_bare() -> None:
    excel = LANGUAGES["excel-formula"]
    got = extract_code('可以用这个公式：`=SUMIFS(D:D,B:B,"华东")`，它按 B 列筛选。', excel)
    assert got.code == '=SUMIFS(D:D,B:B,"华东")' and got.method == "inline"
    assert "按 B 列筛选" in got.explanation
    got = extract_code('Use this formula:\n=SUM(A1:A10)\nIt adds the range.', excel)
    assert got.code == "=SUM(A1:A10)" and "adds the range" in got.explanation
    got = extract_code('In cell E2 enter =VLOOKUP(A2,Sheet2!A:C,3,FALSE)', excel)
    assert got.code == "=VLOOKUP(A2,Sheet2!A:C,3,FALSE)"


def test_regex_inline_and_bare() -> None:
    regex = LANGUAGES["regex"]
    assert extract_code("The pattern is `^1[3-9]\\d{9}$` for mobile numbers.", regex).code == "^1[3-9]\\d{9}$"
    got = extract_code("Here is the regex:\n^\\d{4}-\\d{2}-\\d{2}$", regex)
    assert got.code == "^\\d{4}-\\d{2}-\\d{2}$" and got.method == "no-fence"


def test_empty_reply() -> None:
    got = extract_code("  \n", PY)
    assert got.code == "" and got.method == "empty"


def test_all_prose_reply_is_handed_over_whole() -> None:
    got = extract_code("I cannot help with that.", PY)
    assert got.code == "I cannot help with that."
