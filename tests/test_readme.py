"""The README's Quick start: exactly two commands, and the main job really works as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from copilot.cli import main

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


@pytest.mark.embedded
def test_main_job_polishes_the_sample_with_the_embedded_model(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Run the README's first command's `desk-copilot ...` part, as written, on a copy of the sample."""
    install, _, job = quick_start_commands()[0].partition(" && ")
    assert install.startswith("pip install") and job.startswith("desk-copilot polish examples/memo.docx")
    argv = shlex.split(job)[1:]
    (tmp_path / "examples").mkdir()
    sample = tmp_path / "examples" / "memo.docx"
    shutil.copy(ROOT / "examples" / "memo.docx", sample)
    before = sample.read_bytes()
    argv[argv.index("examples/memo.docx")] = str(sample)
    assert main(argv) == 0, capsys.readouterr().err
    output = tmp_path / "examples" / "memo.polished.docx"
    assert output.is_file() and sample.read_bytes() == before

    import docx

    document = docx.Document(str(output))
    assert len(document.paragraphs) > 5
    body = output.read_bytes()
    assert body[:2] == b"PK"
