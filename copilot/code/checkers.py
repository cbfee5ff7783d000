"""One syntax checker per language. Checking never executes the code.

Python is parsed and compiled to bytecode in-process (``compile`` does not run anything); the
other tools are invoked in their syntax-only modes (``node --check``, ``bash -n``,
``gcc -fsyntax-only``, ``javac`` stopped after parsing, ``gofmt -e``, ``tsc --noEmit``,
PowerShell's parser API), each in a fresh temp dir, with a timeout, an empty environment (PATH
and a home in the temp dir only: no key variable of any name reaches a tool) and, on POSIX,
resource limits in the child (CPU time, file size; address space for the C compiler).
SQL goes through DuckDB's parser only (``extract_statements``), never a query.

C and C++ are preprocessed, so a snippet can make the compiler read any file (``#define F
"/etc/passwd"`` + ``#include F``, ``<../../etc/passwd>``, ``/dev/zero``). The compiler searches only
its standard header dirs (``-nostdinc`` plus those dirs); a first pass lists the files the snippet
reads (``-M``) and the snippet is not checked when one lies outside the temp dir and those dirs;
and no diagnostic is shown unless it is located in the snippet, so a foreign file's text never
becomes a check reason (shown to the user, sent back to the model).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from copilot.code.languages import Language, resolve_language
from copilot.code.light import check_css, check_excel_formula, check_html, check_vba

__all__ = ["CHECK_TIMEOUT", "CheckResult", "Status", "check_code", "checker_tool"]

if sys.platform != "win32":
    import resource  # imported here, not in the forked child (see _limits)

Status = Literal["ok", "failed", "not_checked"]
CHECK_TIMEOUT = 30.0
CHECK_CPU_SECONDS = 30
"""CPU-time limit of a checker process (POSIX)."""
COMPILER_MEMORY = 1 << 30
"""Address-space limit of the C/C++ compiler (POSIX): /dev/zero or a huge header stops there."""
_OUTPUT_BYTES = 16 << 20
_RANK = {"failed": 0, "not_checked": 1, "ok": 2}
# On Windows a process needs a few system variables to start at all; nothing else is passed.
_WINDOWS_KEEP = ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "PROGRAMFILES", "PROGRAMDATA")


@dataclass(frozen=True)
class CheckResult:
    status: Status
    reason: str = ""
    """One line: why it failed, what was not available, or (for ok) what kind of check it was."""
    checker: str = ""
    notes: tuple[str, ...] = ()
    """Findings that do not fail the check (ruff style notes, TypeScript type errors)."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def rank(self) -> int:
        return _RANK[self.status]

    def line(self) -> str:
        """``checked: ok``, ``checked: failed — <reason>`` or ``not checked — <reason>``."""
        if self.status == "ok":
            return "checked: ok" + (f" — {self.reason}" if self.reason else "")
        if self.status == "failed":
            return f"checked: failed — {self.reason}"
        return f"not checked — {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "reason": self.reason, "checker": self.checker,
                "notes": list(self.notes), "line": self.line()}


def _ok(checker: str, reason: str = "", notes: tuple[str, ...] = ()) -> CheckResult:
    return CheckResult("ok", reason, checker, notes)


def _failed(checker: str, reason: str) -> CheckResult:
    return CheckResult("failed", _one_line(reason) or "the checker rejected it", checker)


def _missing(tool: str) -> CheckResult:
    return CheckResult("not_checked", f"no {tool} on this machine", tool)


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.replace("‘", "'").replace("’", "'").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _env(home: Path) -> dict[str, str]:
    """An empty environment but PATH and a home/temp in the check's own dir: no key variable (whatever
    its name), no start-up hook (BASH_ENV, NODE_OPTIONS, JAVA_TOOL_OPTIONS, CPATH...) reaches a tool."""
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(home), "TMPDIR": str(home),
           "NO_COLOR": "1", "LC_ALL": "C.UTF-8" if sys.platform != "win32" else "C"}
    if sys.platform == "win32":
        env.update({k: os.environ[k] for k in _WINDOWS_KEEP if k in os.environ})
        env.update({"TEMP": str(home), "TMP": str(home), "USERPROFILE": str(home), "APPDATA": str(home),
                    "LOCALAPPDATA": str(home)})
    return env


def _limits(memory: int | None) -> Callable[[], None] | None:
    """A pre-exec hook setting resource limits in the child (POSIX; Windows relies on the timeout)."""
    if sys.platform == "win32":
        return None

    def apply() -> None:  # runs between fork and exec: only setrlimit calls, no imports, no locks
        resource.setrlimit(resource.RLIMIT_CPU, (CHECK_CPU_SECONDS, CHECK_CPU_SECONDS + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (_OUTPUT_BYTES, _OUTPUT_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def _run(argv: list[str], tmp: Path, *, stdin: str | None = None, timeout: float = CHECK_TIMEOUT,
         memory: int | None = None) -> subprocess.CompletedProcess[str] | CheckResult:
    """Run a checker tool in ``tmp``; a CheckResult when it could not run at all."""
    tool = Path(argv[0]).name
    try:
        return subprocess.run(argv, input=stdin, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", cwd=tmp, env=_env(tmp), timeout=timeout,
                              stdin=None if stdin is not None else subprocess.DEVNULL, check=False,
                              preexec_fn=_limits(memory))
    except FileNotFoundError:
        return _missing(tool)
    except subprocess.TimeoutExpired:
        return CheckResult("not_checked", f"{tool} took longer than {timeout:.0f} s", tool)
    except OSError as exc:
        return CheckResult("not_checked", _one_line(f"{tool} could not run: {exc}"), tool)


def _first(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.MULTILINE)


def _clean(text: str, tmp: Path) -> str:
    return text.replace(str(tmp) + os.sep, "").replace(str(tmp), "")


# --- in-process checkers -----------------------------------------------------------------------

def _python(code: str, tmp: Path) -> CheckResult:
    with warnings.catch_warnings():
        # Invalid escapes etc. are SyntaxWarnings; they must not turn into errors or noise here.
        warnings.simplefilter("ignore")
        try:
            ast.parse(code, "snippet.py")
            # Bytecode compilation (never run) also catches 'return' outside a function and the like.
            compile(code, "snippet.py", "exec", dont_inherit=True)
        except SyntaxError as exc:
            where = f"line {exc.lineno}: " if exc.lineno else ""
            return _failed("ast.parse", f"{where}{exc.msg}")
        except (ValueError, RecursionError, MemoryError) as exc:
            return _failed("ast.parse", f"{type(exc).__name__}: {exc}")
    ruff = shutil.which("ruff")
    if ruff is None:
        return _ok("ast.parse", "parsed by Python (ruff not installed)")
    proc = _run([ruff, "check", "--isolated", "--no-cache", "--select", "E9,F", "--output-format", "concise",
                 "--stdin-filename", "snippet.py", "-"], tmp, stdin=code)
    if isinstance(proc, CheckResult):
        return _ok("ast.parse", "parsed by Python (ruff unavailable)")
    notes = tuple(_one_line(m.group(1).replace("[*] ", "")) for m in re.finditer(r"^snippet\.py:(\d+:\d+: .+)$", proc.stdout,
                                                               re.MULTILINE))
    if not notes:
        return _ok("ast.parse + ruff")
    more = f" (+{len(notes) - 1} more)" if len(notes) > 1 else ""
    return _ok("ast.parse + ruff", f"ruff notes: line {notes[0]}{more}", notes)


def _json(code: str, tmp: Path) -> CheckResult:
    try:
        json.loads(code)
    except json.JSONDecodeError as exc:
        return _failed("json.loads", f"line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:
        return _failed("json.loads", "nested too deeply")
    return _ok("json.loads")


_SLASHED = re.compile(r"^/(?P<body>.+)/(?P<flags>[a-z]*)$", re.DOTALL)
_RAW_STR = re.compile(r"""^[rR]?(?P<q>['"])(?P<body>.*)(?P=q)$""", re.DOTALL)


def _regex(code: str, tmp: Path) -> CheckResult:
    pattern = code.strip()
    note = ""
    m = _SLASHED.match(pattern) or _RAW_STR.match(pattern)
    if m:
        pattern = m.group("body")
        note = "; checked the pattern inside the delimiters"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            re.compile(pattern)
        except re.error as exc:
            at = f" at position {exc.pos}" if exc.pos is not None else ""
            return _failed("re.compile", f"Python re: {exc.msg}{at}")
        except (RecursionError, OverflowError) as exc:
            return _failed("re.compile", f"Python re: {type(exc).__name__}")
    return _ok("re.compile", f"Python-flavoured (re.compile){note}")


def _sql(code: str, tmp: Path) -> CheckResult:
    try:
        import duckdb
    except ImportError:
        return _missing("duckdb")
    # Parser only: extract_statements never runs a statement; external access is off regardless.
    con = duckdb.connect(":memory:", config={"enable_external_access": False,
                                             "autoload_known_extensions": False,
                                             "autoinstall_known_extensions": False})
    try:
        statements = con.extract_statements(code)
    except duckdb.Error as exc:
        message = str(exc).split("\n\n")[0].removeprefix("Parser Error: ")
        line = _first(r"^LINE (\d+):", str(exc))
        where = f"line {line.group(1)}: " if line else ""
        return _failed("duckdb parser", f"DuckDB parser: {where}{message}")
    finally:
        con.close()
    if not statements:
        return _failed("duckdb parser", "no SQL statement found")
    return _ok("duckdb parser", "parsed by DuckDB")


def _vba(code: str, tmp: Path) -> CheckResult:
    problem = check_vba(code)
    if problem:
        return _failed("vba structure", f"VBA structure: {problem}")
    return _ok("vba structure", "structure only (Sub/Function/If/For/With/End balance; VBA is not compiled here)")


def _excel(code: str, tmp: Path) -> CheckResult:
    problem = check_excel_formula(code)
    if problem:
        return _failed("openpyxl tokenizer", problem)
    return _ok("openpyxl tokenizer", "openpyxl tokenizer and parenthesis balance")


def _html(code: str, tmp: Path) -> CheckResult:
    problem = check_html(code)
    if problem:
        return _failed("html.parser", problem)
    return _ok("html.parser", "light parse (tag balance)")


def _css(code: str, tmp: Path) -> CheckResult:
    problem = check_css(code)
    if problem:
        return _failed("css", problem)
    return _ok("css", "light parse (braces and declarations)")


# --- external tools, syntax-only modes ---------------------------------------------------------

def _javascript(code: str, tmp: Path) -> CheckResult:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        return _missing("node")
    esm = re.search(r"^\s*(import\s*[\w{*'\"]|export\s)", code, re.MULTILINE)
    path = tmp / ("snippet.mjs" if esm else "snippet.js")
    path.write_text(code, encoding="utf-8")
    proc = _run([node, "--check", path.name], tmp)  # --check parses only; nothing runs
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode == 0:
        return _ok("node --check")
    out = _clean(proc.stderr, tmp).strip()
    line = _first(r"^snippet\.m?js:(\d+)", out)
    error = _first(r"^(\w*Error: .+)$", out)
    where = f"line {line.group(1)}: " if line else ""
    detail = error.group(1) if error else (out.splitlines()[0] if out else "node --check failed")
    return _failed("node --check", where + detail)


def _typescript(code: str, tmp: Path) -> CheckResult:
    tsc = shutil.which("tsc")
    if tsc is None:
        return _missing("tsc")
    if re.search(r"^\s*///\s*<reference", code, re.MULTILINE):
        return CheckResult("not_checked", "it has /// <reference> directives, which are not followed here", "tsc")
    (tmp / "snippet.ts").write_text(code, encoding="utf-8")
    proc = _run([tsc, "--noEmit", "--skipLibCheck", "--pretty", "false", "--target", "es2022",
                 "--module", "esnext", "snippet.ts"], tmp)
    if isinstance(proc, CheckResult):
        return proc
    errors = re.findall(r"^snippet\.ts\((\d+),\d+\): error (TS\d+): (.+)$", proc.stdout, re.MULTILINE)
    # TS1xxx are syntax errors; others (missing modules, types) depend on the user's project.
    syntax = [e for e in errors if e[1].startswith("TS1")]
    if syntax:
        line, code_, message = syntax[0]
        return _failed("tsc --noEmit", f"line {line}: {code_} {message}")
    notes = tuple(_one_line(f"line {ln}: {c} {m}") for ln, c, m in errors)
    reason = f"syntax; {len(notes)} type note(s) not counted" if notes else ""
    return _ok("tsc --noEmit", reason, notes)


def _java(code: str, tmp: Path) -> CheckResult:
    javac = shutil.which("javac")
    if javac is None:
        return _missing("javac")
    m = re.search(r"^\s*public\s+(?:(?:final|abstract|sealed|static)\s+)*(?:class|interface|enum|record)\s+(\w+)",
                  code, re.MULTILINE)
    name = (m.group(1) if m else "Snippet") + ".java"
    (tmp / name).write_text(code, encoding="utf-8")
    # Stop after parsing: a syntax check that does not need the user's libraries. -proc:none: no
    # annotation processors (they would be code running); the class files go to a dir we delete.
    proc = _run([javac, "-proc:none", "-encoding", "UTF-8", "-nowarn", "-XDshould-stop.ifNoError=PARSE",
                 "-XDshould-stop.ifError=PARSE", "-d", str(tmp / "out"), name], tmp)
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode == 0:
        return _ok("javac", "syntax (parse only)")
    err = _first(rf"^{re.escape(name)}:(\d+): error: (.+)$", _clean(proc.stderr, tmp))
    return _failed("javac", f"line {err.group(1)}: {err.group(2)}" if err else proc.stderr.strip()[:200])


def _go(code: str, tmp: Path) -> CheckResult:
    gofmt = shutil.which("gofmt")
    if gofmt is None:
        return _missing("gofmt")
    proc = _run([gofmt, "-e"], tmp, stdin=code)  # stdin: gofmt accepts fragments without 'package'
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode == 0:
        return _ok("gofmt -e")
    err = _first(r"^<standard input>:(\d+):\d+: (.+)$", proc.stderr)
    return _failed("gofmt -e", f"line {err.group(1)}: {err.group(2)}" if err else proc.stderr.strip())


_ABSOLUTE_INCLUDE = re.compile(r"^\s*#\s*include\s*[<\"]\s*(/|[A-Za-z]:[\\/]|\.\.)", re.MULTILINE)
_OUTSIDE = "it #includes a file outside the snippet (not read here)"


@lru_cache(maxsize=4)
def _system_include_dirs(exe: str) -> tuple[str, ...]:
    """The compiler's own standard header dirs (``cc -E -v``), resolved."""
    dirs: list[str] = []
    with tempfile.TemporaryDirectory(prefix="desk-copilot-check-") as tmp:
        for lang in ("c", "c++"):
            proc = _run([exe, f"-x{lang}", "-E", "-v", "-"], Path(tmp), stdin="", memory=COMPILER_MEMORY)
            if isinstance(proc, CheckResult):
                continue
            inside = False
            for line in proc.stderr.splitlines():
                if line.startswith("#include <...> search starts here"):
                    inside = True
                elif line.startswith("End of search list"):
                    inside = False
                elif inside and line.startswith(" "):
                    path = line.strip().removesuffix(" (framework directory)")
                    if os.path.isdir(path) and os.path.realpath(path) not in dirs:
                        dirs.append(os.path.realpath(path))
    return tuple(dirs)


def _deps_outside(exe: str, argv_tail: list[str], tmp: Path, allowed: tuple[str, ...]) -> bool | CheckResult:
    """True when the snippet makes the preprocessor read a file outside ``tmp`` and ``allowed``.

    ``-M -MG`` prints the files read (missing headers are listed, not fatal); the output of this
    pass is never shown. The memory and CPU limits stop ``/dev/zero`` and the like."""
    proc = _run([exe, "-M", "-MG", *argv_tail], tmp, memory=COMPILER_MEMORY, timeout=CHECK_TIMEOUT / 2)
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode != 0 and not proc.stdout.strip():
        return True  # the preprocessor itself failed (out of memory on /dev/zero, an unreadable file)
    roots = (os.path.realpath(tmp), *allowed)
    text = proc.stdout.replace("\\\n", " ")
    deps = text.split(":", 1)[1].split() if ":" in text else []
    for dep in deps:
        path = dep if os.path.isabs(dep) else os.path.join(tmp, dep)
        real = os.path.realpath(path)
        if not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            return True
    return False


def _gcc(code: str, tmp: Path, *, cpp: bool) -> CheckResult:
    compiler = "g++" if cpp else "gcc"
    exe = shutil.which(compiler) or shutil.which("clang++" if cpp else "clang")
    if exe is None:
        return _missing(compiler)
    if _ABSOLUTE_INCLUDE.search(code):
        # gcc would read that file (/dev/zero never ends); a syntax check does not follow it there.
        return CheckResult("not_checked", _OUTSIDE, compiler)
    name = "snippet.cpp" if cpp else "snippet.c"
    (tmp / name).write_text(code, encoding="utf-8")
    system = _system_include_dirs(exe)
    # No search path but the compiler's standard header dirs (no CPATH, no -I of the user's).
    includes = ["-nostdinc", *(arg for d in system for arg in ("-isystem", d))] if system else []
    tail = [*includes, "-w", "-fno-diagnostics-color", "-std=c++17" if cpp else "-std=c11", name]
    label = f"{Path(exe).name} -fsyntax-only"
    outside = _deps_outside(exe, tail, tmp, system)
    if isinstance(outside, CheckResult):
        return outside
    if outside:
        return CheckResult("not_checked", _OUTSIDE, label)
    proc = _run([exe, "-fsyntax-only", "-fmax-errors=5", "-fno-diagnostics-show-caret", *tail], tmp,
                memory=COMPILER_MEMORY)
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode == 0:
        return _ok(label)
    out = _clean(proc.stderr, tmp)
    header = _first(rf"^{re.escape(name)}:\d+:\d+: fatal error: ([\w./+-]+): No such file or directory", out)
    if header:
        # A header this machine lacks (windows.h, a library): not the code's fault, so not a failure.
        return CheckResult("not_checked", f"no {header.group(1)} header on this machine", label)
    # Only a diagnostic located in the snippet is shown: nothing quoted from another file.
    err = _first(rf"^{re.escape(name)}:(\d+):\d+: (?:fatal )?error: (.+)$", out)
    return _failed(label, f"line {err.group(1)}: {err.group(2)}" if err else "the compiler rejected it")


def _bash(code: str, tmp: Path) -> CheckResult:
    bash = shutil.which("bash")
    if bash is None:
        return _missing("bash")
    (tmp / "snippet.sh").write_text(code, encoding="utf-8")
    proc = _run([bash, "--norc", "--noprofile", "-n", "snippet.sh"], tmp)  # -n: read, never execute
    if isinstance(proc, CheckResult):
        return proc
    if proc.returncode == 0:
        return _ok("bash -n")
    err = _first(r"^snippet\.sh: line (\d+): (.+)$", proc.stderr)
    return _failed("bash -n", f"line {err.group(1)}: {err.group(2)}" if err else proc.stderr.strip())


_PWSH_PARSE = (
    "$e = $null; $t = $null; "
    "[void][System.Management.Automation.Language.Parser]::ParseFile((Join-Path $PWD 'snippet.ps1'), "
    "[ref]$t, [ref]$e); foreach ($x in $e) { 'line ' + $x.Extent.StartLineNumber + ': ' + $x.Message }"
)


def _powershell(code: str, tmp: Path) -> CheckResult:
    pwsh = shutil.which("pwsh") or shutil.which("powershell")
    if pwsh is None:
        return _missing("pwsh")
    (tmp / "snippet.ps1").write_text(code, encoding="utf-8")
    # The parser API only builds an AST of the file; the snippet itself is never invoked.
    proc = _run([pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", _PWSH_PARSE], tmp)
    if isinstance(proc, CheckResult):
        return proc
    errors = [ln for ln in proc.stdout.splitlines() if ln.startswith("line ")]
    if errors:
        return _failed("powershell parser", errors[0])
    if proc.returncode != 0:
        return CheckResult("not_checked", _one_line(f"pwsh failed: {proc.stderr.strip()[:150]}"), "pwsh")
    return _ok("powershell parser")


_CHECKERS: dict[str, Callable[[str, Path], CheckResult]] = {
    "python": _python,
    "javascript": _javascript,
    "typescript": _typescript,
    "sql": _sql,
    "bash": _bash,
    "powershell": _powershell,
    "vba": _vba,
    "excel-formula": _excel,
    "regex": _regex,
    "json": _json,
    "html": _html,
    "css": _css,
    "java": _java,
    "go": _go,
    "c": lambda code, tmp: _gcc(code, tmp, cpp=False),
    "cpp": lambda code, tmp: _gcc(code, tmp, cpp=True),
}

_TOOLS = {"javascript": "node", "typescript": "tsc", "bash": "bash", "powershell": "pwsh", "java": "javac",
          "go": "gofmt", "c": "gcc", "cpp": "g++", "python": "ruff (optional)"}


def checker_tool(lang: Language | str) -> str | None:
    """The external program a language's checker needs, or None when it is checked in-process."""
    return _TOOLS.get(lang if isinstance(lang, str) else lang.name)


def check_code(code: str, lang: Language | str) -> CheckResult:
    """Check ``code`` as ``lang`` without running it; the result says ok, failed (why) or not checked."""
    language = lang if isinstance(lang, Language) else resolve_language(lang)
    checker = _CHECKERS.get(language.name)
    if checker is None:
        return CheckResult("not_checked", f"no checker for {language.display}")
    if not code.strip():
        return CheckResult("failed", "no code found in the reply", language.name)
    with tempfile.TemporaryDirectory(prefix="desk-copilot-check-") as tmp:
        return checker(code, Path(tmp))
