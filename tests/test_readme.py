"""The README's Quick start: exactly two commands, and the main job really works as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_quick_start_has_exactly_two_commands() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[1] == "bash .ci/run"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in ci and "pip install" in ci


def _plain_copy(dest: Path) -> Path:
    """The project as a clone has it: tracked files only (untracked caches and outputs left out)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else []
    if not names:  # not a git checkout (an sdist): copy the tree without caches
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.polished.docx"))
        return dest
    for name in names:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.embedded
@pytest.mark.timeout(1800)  # the embedded model polishes the whole memo: minutes on a loaded 2-core machine
def test_first_command_runs_as_written_in_a_plain_copy(tmp_path: Path) -> None:
    """The README's first command, run by bash as written, in a plain copy of the project.

    Tests may reach only 127.0.0.1, so pip runs offline: the dependencies come from the environment
    running the tests (a .pth line in the venv made beforehand; `python3 -m venv` keeps it) instead of
    PyPI. Everything else is real: the venv, the build of the project from the copy, the installed
    `desk-copilot` script, the embedded model, the output file."""
    command = quick_start_commands()[0]
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && ")
    project = _plain_copy(tmp_path / "project")
    # With pip of its own, so `pip` after activation is the venv's (never the outer environment's).
    subprocess.run([sys.executable, "-m", "venv", str(project / ".venv")], check=True)
    venv_site = next((project / ".venv" / "lib").glob("python3*/site-packages"))
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (venv_site / "zz_test_env.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    # PIP_REQUIRE_VIRTUALENV: a pip outside the venv refuses to install instead of touching the outer one.
    env.update(PIP_REQUIRE_VIRTUALENV="1", PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_WARN_SCRIPT_LOCATION="1", DESK_COPILOT_HOME=str(tmp_path / "home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    sample = project / "examples" / "memo.docx"
    before = sample.read_bytes()
    proc = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True,
                          timeout=1500)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (project / ".venv" / "bin" / "desk-copilot").is_file()
    assert "Successfully installed desk-copilot" in proc.stdout
    output = project / "examples" / "memo.polished.docx"
    assert output.is_file() and sample.read_bytes() == before

    import docx

    document = docx.Document(str(output))
    assert len(document.paragraphs) > 5
    assert "Traceback" not in proc.stderr
