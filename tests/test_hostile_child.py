"""The child process that receives the key imports only this installation's code: a `copilot/`
folder in the directory the app was started from is never run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from copilot.cancel import CancelToken
from copilot.child import run_in_child
from copilot.events import Done
from copilot.tasks.polish_docx import PolishOptions
from tests import test_polish_fakes as fakes

_PAYLOAD = """
import pathlib
pathlib.Path({marker!r}).write_text("imported from the working directory")
"""


def test_a_copilot_folder_in_the_working_directory_is_not_imported(
        fake_server: Any, fake_profile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "PWNED"
    trap = tmp_path / "downloads"
    for package in ("copilot", "copilot/tasks"):
        (trap / package).mkdir(parents=True)
        (trap / package / "__init__.py").write_text(_PAYLOAD.format(marker=str(marker)))
    (trap / "copilot" / "child.py").write_text(_PAYLOAD.format(marker=str(marker)))
    (trap / "docx").mkdir()
    (trap / "docx" / "__init__.py").write_text(_PAYLOAD.format(marker=str(marker)))
    document = docx.Document()
    document.add_paragraph("Paragraph 0: please check the draft and send your comments.")
    document.save(str(trap / "in.docx"))
    monkeypatch.chdir(trap)
    monkeypatch.setenv("PYTHONPATH", str(trap))  # not even a hostile PYTHONPATH gets in
    monkeypatch.setenv("PYTHONSTARTUP", str(trap / "copilot" / "child.py"))
    fake_server.set_default(fakes.kindly)
    events = list(run_in_child("copilot.tasks.polish_docx:polish_docx",
                               {"src": Path("in.docx"), "output": Path("out.docx"),
                                "options": PolishOptions(mode="clean")},
                               cancel=CancelToken(), provider_profile=fake_profile))
    assert isinstance(events[-1], Done) and events[-1].result.changed == 1
    assert not marker.exists()
    assert (trap / "out.docx").is_file()  # relative paths still mean the user's directory
