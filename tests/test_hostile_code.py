"""Crafted C/C++ snippets against the checker: no file outside the snippet is read or quoted, the
compiler runs with limits, in an empty environment, in a fresh temp dir."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from copilot.code import checkers
from copilot.code.checkers import check_code

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None and shutil.which("clang") is None,
                                reason="no C compiler")

OUTSIDE = "not checked — it #includes a file outside the snippet (not read here)"


@pytest.mark.parametrize("snippet", [
    '#define F "/etc/passwd"\n#include F\nint x;',
    '#define E "/proc/self/environ"\n#include E\nint x;',
    "#define P <../../../../../../../../etc/passwd>\n#include P\nint x;",
    '#define S(x) #x\n#define F S(/etc/passwd)\n#include F\nint x;',
], ids=["define-passwd", "define-environ", "angle-dotdot", "stringised"])
def test_macro_include_of_a_foreign_file_is_not_read_nor_quoted(snippet: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_COPILOT_KEY", "sk-canary-checker-789")
    result = check_code(snippet, "c")
    assert result.line() == OUTSIDE
    assert "root" not in result.reason and "sk-canary" not in result.reason


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="POSIX device")
def test_dev_zero_through_a_macro_ends_quickly_in_one_line() -> None:
    start = time.monotonic()
    result = check_code('#define Z "/dev/zero"\n#include Z\nint x;', "cpp")
    assert time.monotonic() - start < checkers.CHECK_TIMEOUT
    assert result.status == "not_checked" and "\n" not in result.reason


def test_errors_elsewhere_are_never_echoed(tmp_path: Path) -> None:
    # A diagnostic not located in the snippet is replaced by a generic reason.
    result = check_code("#line 1 \"elsewhere.h\"\nint main(void) { return y; }\n", "c")
    assert result.status == "failed" and result.reason == "the compiler rejected it"


def test_ordinary_snippets_still_check() -> None:
    assert check_code("#include <stdio.h>\nint main(void){puts(\"hi\");return 0;}\n", "c").ok
    failed = check_code("int main(void){ return x; }", "c")
    assert failed.status == "failed" and failed.reason.startswith("line 1: 'x' undeclared")


def test_tools_get_an_empty_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DESK_COPILOT_KEY", "MY_SERVICE_PASSWORD", "OPENAI_API_KEY", "CPATH", "BASH_ENV"):
        monkeypatch.setenv(name, "sk-canary-env")
    proc = checkers._run([sys.executable, "-c", "import os; print(sorted(os.environ))"], tmp_path)
    assert not isinstance(proc, checkers.CheckResult)
    assert "sk-canary" not in proc.stdout and "DESK_COPILOT_KEY" not in proc.stdout and "CPATH" not in proc.stdout
    assert "PATH" in proc.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_compiler_runs_with_memory_and_cpu_limits(tmp_path: Path) -> None:
    script = "import resource as r; print(r.getrlimit(r.RLIMIT_AS)[0], r.getrlimit(r.RLIMIT_CPU)[0])"
    proc = checkers._run([sys.executable, "-c", script], tmp_path, memory=checkers.COMPILER_MEMORY)
    assert not isinstance(proc, checkers.CheckResult)
    assert proc.stdout.split() == [str(checkers.COMPILER_MEMORY), str(checkers.CHECK_CPU_SECONDS)]
