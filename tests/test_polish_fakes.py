"""Fake "models" for the polish tests: replies computed from the request the fake server got.

Each takes the chat request JSON, finds the paragraphs JSON the polish template sent and returns
the reply JSON ({"paragraphs": [{"id", "text"}]}) after applying a transformation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Transform = Callable[[str], str]


def request_paragraphs(request: dict[str, Any]) -> list[dict[str, str]]:
    """The [{id, text}] list inside the first user message of a polish request."""
    for message in request.get("messages") or []:
        if message.get("role") != "user":
            continue
        for line in str(message.get("content", "")).splitlines():
            line = line.strip()
            if line.startswith("[{"):
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if isinstance(data, list):
                    return data
    return []


def model(transform: Transform) -> Callable[[dict[str, Any]], str]:
    def respond(request: dict[str, Any]) -> str:
        items = request_paragraphs(request)
        return json.dumps({"paragraphs": [{"id": p["id"], "text": transform(p["text"])} for p in items]},
                          ensure_ascii=False)

    return respond


def identity(text: str) -> str:
    return text


def upper(text: str) -> str:
    return text.upper()


def drop_placeholder(text: str) -> str:
    return re.sub(r"⟦\d+⟧", "", text, count=1)


def add_placeholder(text: str) -> str:
    return text + " ⟦99⟧"


def change_number(text: str) -> str:
    return re.sub(r"(?<![⟦\d])\d(?!\d*⟧)", lambda m: str((int(m.group()) + 1) % 10), text, count=1)


def change_url(text: str) -> str:
    return re.sub(r"https?://[^\s/]+", "https://evil.example.net", text)


def add_link(text: str) -> str:
    return text + " https://phish.example.com"


def triple_length(text: str) -> str:
    return (text + " ") * 3 + "and so on and so on and so forth for quite a while longer"


def polish_words(text: str) -> str:
    """A plausible rewrite: a few word swaps that keep numbers and links."""
    swaps = {"draft": "revised draft", "please": "kindly", "Please": "Kindly", "请": "敬请", "good": "excellent"}
    for a, b in swaps.items():
        text = text.replace(a, b)
    return text


def record_finished_chunks(monkeypatch: Any) -> list[str]:
    """The texts of every chunk the polish has had answered (and so cached), as it goes: a spy on
    the asker, for resume tests (a request in flight at a cancel never finishes and is asked
    again; a finished chunk never is)."""
    from copilot.tasks.polish import propose

    finished: list[str] = []
    real_call = propose._Asker.__call__

    def recording(self: Any, chunk: Any) -> Any:
        answer = real_call(self, chunk)
        finished.extend(self.texts[i] for i in chunk.items)
        return answer

    monkeypatch.setattr(propose._Asker, "__call__", recording)
    return finished


def test_request_paragraphs_parses_template_output() -> None:
    from copilot.prompts import get_template

    rendered = get_template("polish.polish").render(
        {"paragraphs": json.dumps([{"id": "1", "text": "hi ⟦1⟧"}], ensure_ascii=False)}, lang="en")
    request = {"messages": list(rendered.messages)}
    assert request_paragraphs(request) == [{"id": "1", "text": "hi ⟦1⟧"}]
    reply = json.loads(model(upper)(request))
    assert reply == {"paragraphs": [{"id": "1", "text": "HI ⟦1⟧"}]}


def kindly(request: dict[str, Any]) -> str:
    """A module-level responder (usable by a fake server in another process): "please check" →
    "kindly review" in every paragraph."""
    return model(lambda text: text.replace("please check", "kindly review"))(request)
