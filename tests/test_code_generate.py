"""generate_code and `desk-copilot code` against the fake server: extraction, check, one repair, no execution."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from copilot.cli import main
from copilot.events import Delta, Done, Event, Notice, Started
from copilot.models import get_provider
from copilot.tasks.generate_code import CodeResult, generate_code
from tests.fake_openai_server import FakeOpenAIServer

REPAIR = r"Checker message|检查器报错"


def run_task(profile: str, task: str, lang: str, **kw: object) -> tuple[CodeResult, list[Event]]:
    events = list(generate_code(get_provider(profile), task, lang, ui_lang="en", **kw))  # type: ignore[arg-type]
    assert isinstance(events[0], Started)
    done = events[-1]
    assert isinstance(done, Done)
    return done.result, events


def fenced(tag: str, code: str) -> str:
    return f"```{tag}\n{code}\n```"


# --- extraction through the real server ----------------------------------------------------------

EXTRACTION_CASES = {
    "tagged fence": ("```python\ndef f():\n    return 1\n```", "def f():\n    return 1", ""),
    "untagged fence": ("```\ndef f():\n    return 1\n```", "def f():\n    return 1", ""),
    "several blocks": ("Install:\n```bash\npip install openpyxl\n```\nCode:\n```python\nimport openpyxl\n"
                       "wb = openpyxl.Workbook()\n```\nOutput:\n```text\nok\n```",
                       "import openpyxl\nwb = openpyxl.Workbook()", "pip install openpyxl"),
    "no fences": ("import csv\nrows = list(csv.reader(open('a.csv')))", "import csv\nrows = list(csv.reader(open('a.csv')))",
                  ""),
    "leading chatter": ("Sure! Here is the code you asked for:\n\n```python\nx = 1\n```\nIt sets x.", "x = 1",
                        "Sure! Here is the code you asked for:"),
    "chatter without fences": ("以下是代码：\nx = [1, 2]\nprint(sum(x))\n这段代码求和。", "x = [1, 2]\nprint(sum(x))",
                               "这段代码求和。"),
}


@pytest.mark.parametrize("case", sorted(EXTRACTION_CASES))
def test_extraction_cases(case: str, fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    reply, code, in_explanation = EXTRACTION_CASES[case]
    fake_server.set_default(reply)
    result, events = run_task(fake_profile, "some python task", "python", explain=True)
    assert result.code == code
    assert in_explanation in result.explanation
    assert result.check.status == "ok"
    assert "".join(e.text for e in events if isinstance(e, Delta)) == reply  # the reply streamed as it came
    assert fake_server.request_count == 1


def test_template_gets_task_lang_and_explain(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.set_default('```excel\n=SUM(A1:A3)\n```\n- adds A1 to A3')
    result, _ = run_task(fake_profile, "sum A1 to A3", "excel-formula", explain=True)
    system = fake_server.requests[0]["messages"][0]["content"]
    assert "Excel formula starting with =" in system and "bullet points" in system
    assert "sum A1 to A3" in fake_server.requests[0]["messages"][-1]["content"]
    assert result.code == "=SUM(A1:A3)" and result.explanation == "- adds A1 to A3"
    assert result.template == "code.snippet"


@pytest.mark.parametrize(("lang", "template", "marker"), [("sql", "code.sql", "DuckDB"), ("vba", "code.vba", "VBA"),
                                                           ("regex", "code.regex", "re.compile"),
                                                           ("powershell", "code.shell", "PowerShell")])
def test_language_picks_its_template(lang: str, template: str, marker: str, fake_server: FakeOpenAIServer,
                                     fake_profile: str) -> None:
    fake_server.set_default("```\nx\n```")
    result, _ = run_task(fake_profile, "task", lang, repair=False)
    assert result.template == template
    assert marker in fake_server.requests[0]["messages"][0]["content"]


# --- broken, then fixed by the one repair round --------------------------------------------------

BROKEN_FIXED = {
    "python": ("def double(x)\n    return x * 2", "def double(x):\n    return x * 2", None),
    "sql": ("SELECT TOP 5 customer FROM sales", "SELECT customer FROM sales LIMIT 5", None),
    "bash": ("if [ -f a.txt ]; then\n  echo yes\n", "if [ -f a.txt ]; then\n  echo yes\nfi", "bash"),
    "regex": (r"^(1[3-9]\d{9}$", r"^1[3-9]\d{9}$", None),
    "json": ('{"name": "x", "tags": ["a", "b"],}', '{"name": "x", "tags": ["a", "b"]}', None),
    "excel-formula": ('=SUMIFS(D:D,B:B,"华东"', '=SUMIFS(D:D,B:B,"华东")', None),
    "javascript": ("function add(a, b {\n  return a + b;\n}", "function add(a, b) {\n  return a + b;\n}", "node"),
    "c": ("int add(int a, int b) { return a + b }", "int add(int a, int b) { return a + b; }", "gcc"),
}


@pytest.mark.parametrize("lang", sorted(BROKEN_FIXED))
def test_broken_then_repaired(lang: str, fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    broken, fixed, tool = BROKEN_FIXED[lang]
    if tool and shutil.which(tool) is None:
        pytest.skip(f"no {tool} here")
    fake_server.reply(REPAIR, fenced(lang, fixed))
    fake_server.set_default(fenced(lang, broken))
    result, events = run_task(fake_profile, "write it", lang)
    assert fake_server.request_count == 2
    assert result.first_check.status == "failed"
    assert result.repaired and result.code == fixed
    assert result.check.status == "ok" and result.repair_check == result.check
    assert result.outcome.startswith("repaired once: the first version failed")
    # The model got its own code and the checker's one-line message.
    repair_prompt = fake_server.requests[1]["messages"][-1]["content"]
    assert broken in repair_prompt and result.first_check.reason in repair_prompt
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert notices == [f"{result.first_check.line()} — asking the model to repair it once"]


def test_both_fail_keeps_the_original(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.reply(REPAIR, "```json\n{'still': 'bad'}\n```")
    fake_server.set_default('Here you go:\n```json\n{"a": 1,}\n```')
    result, _ = run_task(fake_profile, "a json object", "json")
    assert result.code == '{"a": 1,}' and not result.repaired
    assert result.check.status == "failed" and result.repair_check is not None
    assert result.repair_check.status == "failed"
    assert result.outcome.startswith("repair failed too (") and "kept the original" in result.outcome
    assert result.explanation == "Here you go:"


def test_no_repair_flag(fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.set_default("```python\ndef f(\n```")
    result, _ = run_task(fake_profile, "x", "python", repair=False)
    assert result.check.status == "failed" and fake_server.request_count == 1


def test_not_checked_path_asks_for_no_repair(fake_server: FakeOpenAIServer, fake_profile: str,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # node (and every other tool) is "missing"
    fake_server.set_default("```javascript\nfunction f( {\n```")
    result, _ = run_task(fake_profile, "x", "javascript")
    assert result.check.line() == "not checked — no node on this machine"
    assert fake_server.request_count == 1 and not result.repaired


# --- generated code is never executed ------------------------------------------------------------

def _payloads(marker: Path) -> dict[str, tuple[str, str, str | None]]:
    m = str(marker)
    return {
        "python": (f"import os\nopen('{m}', 'w').write('x')\nos.system('touch {m}')\ndef broken(:",
                   f"import os\nopen('{m}', 'w').write('x')\nos.system('touch {m}')", None),
        "bash": (f"touch '{m}'\nif true; then\n  echo '{m}' > '{m}'\n", f"touch '{m}'\necho x > '{m}'", "bash"),
        "javascript": (f"require('fs').writeFileSync('{m}', 'x');\nfunction f( {{",
                       f"require('fs').writeFileSync('{m}', 'x');", "node"),
        "c": (f'#include <stdio.h>\nint main(void) {{ fopen("{m}", "w"); return 0 }}',
              f'#include <stdio.h>\nint main(void) {{ fopen("{m}", "w"); return 0; }}', "gcc"),
        "sql": (f"COPY (SELECT 42) TO '{m}' (HEADER) WHERE", f"COPY (SELECT 42) TO '{m}' (HEADER);", None),
    }


@pytest.mark.parametrize("lang", ["python", "bash", "javascript", "c", "sql"])
def test_generated_code_is_never_executed(lang: str, fake_server: FakeOpenAIServer, fake_profile: str,
                                          tmp_path: Path) -> None:
    marker = tmp_path / f"PWNED_{lang}"
    broken, fixed, tool = _payloads(marker)[lang]
    if tool and shutil.which(tool) is None:
        pytest.skip(f"no {tool} here")
    fake_server.reply(REPAIR, fenced(lang, fixed))
    fake_server.set_default(fenced(lang, broken))
    result, _ = run_task(fake_profile, "write it", lang)
    # Generated, checked (failed), repaired, checked again (ok): and nothing ran.
    assert result.first_check.status == "failed" and result.check.status == "ok", result
    assert result.code == fixed
    assert not marker.exists()
    assert not list(tmp_path.glob("PWNED_*"))


# --- the CLI ---------------------------------------------------------------------------------------

def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_streams_and_prints_the_check_line(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer,
                                               fake_profile: str) -> None:
    reply = "Here:\n```python\nprint('hi')\n```"
    fake_server.set_default(reply)
    code, out, err = cli(capsys, "code", "say hi", "--lang", "python", "--profile", fake_profile)
    assert code == 0
    assert out.strip() == reply
    assert err.strip().splitlines()[-1].startswith("checked: ok")


def test_cli_raw_prints_only_the_final_code(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer,
                                            fake_profile: str) -> None:
    fake_server.reply(REPAIR, "```sql\nSELECT 1;\n```")
    fake_server.set_default("Query:\n```sql\nSELEC 1;\n```\nDone.")
    code, out, err = cli(capsys, "code", "one", "--lang", "sql", "--raw", "--profile", fake_profile)
    assert code == 0
    assert out == "SELECT 1;\n"
    lines = err.strip().splitlines()
    assert lines[-1] == "checked: ok — parsed by DuckDB"
    assert any(line.startswith("repaired once") for line in lines)
    assert any("checked: failed — DuckDB parser" in line for line in lines)


def test_cli_output_file_atomic_and_no_overwrite(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer,
                                                 fake_profile: str, tmp_path: Path) -> None:
    fake_server.set_default("```sql\nSELECT * FROM t LIMIT 5;\n```")
    target = tmp_path / "out" / "top.sql"
    target.parent.mkdir()
    code, _, err = cli(capsys, "code", "top 5 rows", "-o", str(target), "--raw", "--profile", fake_profile)
    assert code == 0
    assert target.read_text(encoding="utf-8") == "SELECT * FROM t LIMIT 5;\n"
    assert "language: sql" in err  # from the -o extension
    assert "DuckDB" in fake_server.requests[0]["messages"][0]["content"]
    target.write_text("mine", encoding="utf-8")
    calls = fake_server.request_count
    code, _, err = cli(capsys, "code", "top 5 rows", "-o", str(target), "--profile", fake_profile)
    assert code == 1 and "already exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "mine"
    assert fake_server.request_count == calls  # refused before calling the model
    code, _, _ = cli(capsys, "code", "top 5 rows", "-o", str(target), "--force", "--profile", fake_profile)
    assert code == 0 and target.read_text(encoding="utf-8").startswith("SELECT")
    assert [p.name for p in target.parent.iterdir()] == ["top.sql"]  # no temp files left behind


def test_cli_json_and_history(capsys: pytest.CaptureFixture[str], fake_server: FakeOpenAIServer,
                              fake_profile: str) -> None:
    from copilot.history import recent

    fake_server.set_default("```regex\n^1[3-9]\\d{9}$\n```\n- 11 digits")
    code, out, _ = cli(capsys, "code", "中国大陆手机号", "--lang", "regex", "--explain", "--json",
                       "--profile", fake_profile)
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "^1[3-9]\\d{9}$" and data["explanation"] == "- 11 digits"
    assert data["check"]["status"] == "ok" and "Python-flavoured" in data["check"]["line"]
    assert data["template"] == "code.regex"
    assert "正则" in fake_server.requests[0]["messages"][0]["content"]  # zh prompt for a zh task
    entry = recent(1)[0]
    assert (entry.task, entry.status, entry.template) == ("code", "ok", "code.regex")


def test_cli_guesses_language_and_rejects_unknown(capsys: pytest.CaptureFixture[str],
                                                  fake_server: FakeOpenAIServer, fake_profile: str) -> None:
    fake_server.set_default("```vba\nSub A()\nEnd Sub\n```")
    code, _, err = cli(capsys, "code", "VBA macro to export each sheet as PDF", "--raw", "--profile", fake_profile)
    assert code == 0 and "language: vba" in err and "structure only" in err
    code, _, err = cli(capsys, "code", "x", "--lang", "cobol", "--profile", fake_profile)
    assert code == 2 and "unknown language 'cobol'" in err
    code, _, err = cli(capsys, "code", "  ", "--lang", "python", "--profile", fake_profile)
    assert code == 2 and "task is empty" in err
