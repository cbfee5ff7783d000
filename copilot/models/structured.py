"""Structured output: a JSON schema sent to the server (or turned into a grammar on the embedded
model), the reply validated with pydantic, and one repair round before giving up."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from copilot.cancel import CancelToken
from copilot.errors import BadResponse
from copilot.models.base import ChatOptions, Completion, Message, Provider
from copilot.models.streaming import complete

__all__ = ["extract_json", "probe_structured", "structured"]

M = TypeVar("M", bound=BaseModel)

# Internal plumbing, not a user-facing prompt: tells the model what was wrong with its JSON.
_REPAIR = ("Your reply was not valid JSON for the required schema. Problems: {problems}\n"
           "Reply again with only the corrected JSON object, no commentary.")


def extract_json(text: str) -> str:
    """The JSON inside a reply that may wrap it in a code fence or chatter."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    starts = [i for i in (stripped.find("{"), stripped.find("[")) if i >= 0]
    if not starts:
        return stripped
    start = min(starts)
    end = max(stripped.rfind("}"), stripped.rfind("]"))
    return stripped[start:end + 1] if end > start else stripped[start:]


def _problems(exc: ValidationError | json.JSONDecodeError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not parseable JSON ({exc.msg} at position {exc.pos})"
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'root'}: {e['msg']}" for e in exc.errors()[:8])


def structured(provider: Provider, messages: list[Message], model_cls: type[M],
               options: ChatOptions | None = None, cancel: CancelToken | None = None,
               on_completion: Callable[[Completion], None] | None = None,
               schema: dict[str, Any] | None = None) -> M:
    """Ask for JSON matching ``model_cls`` and return it validated.

    ``schema``, when given, is what the server is asked to follow instead of ``model_cls``'s own
    (a narrower one: exact item counts, bounded lengths); the reply is still validated by
    ``model_cls``. Raises BadResponse when the reply is still invalid after one repair round.
    """
    if schema is None:
        schema = model_cls.model_json_schema()
    # Nobody reads a JSON reply as it streams: ask for it in one body.
    opts = dataclasses.replace(options or ChatOptions(), json_schema=schema, schema_name=model_cls.__name__,
                               stream=False)
    convo = list(messages)
    error: ValidationError | json.JSONDecodeError | None = None
    for attempt in range(2):
        completion = complete(provider, convo, opts, cancel)
        if on_completion is not None:
            on_completion(completion)
        try:
            return model_cls.model_validate_json(extract_json(completion.text))
        except ValidationError as exc:
            error = exc
        except json.JSONDecodeError as exc:
            error = exc
        if attempt == 0:
            convo = [*convo,
                     Message(role="assistant", content=completion.text),
                     Message(role="user", content=_REPAIR.format(problems=_problems(error)))]
    assert error is not None
    raise BadResponse(f"{provider.name} ({provider.model}) returned invalid JSON twice — {_problems(error)[:160]}; "
                      f"try again or use a stronger model")


_PROBE_SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}


def probe_structured(provider: Provider, cancel: CancelToken | None = None) -> str:
    """Find (and remember) how the provider's server takes structured replies: json_schema,
    json_object or plain (a server's refusal lowers the level for good); "grammar" for the
    embedded model. A probe, not a user prompt: the reply's content does not matter."""
    if not hasattr(provider, "structured_format"):
        return "grammar"  # the embedded model: constrained by a grammar, nothing to find out
    messages = [Message(role="user", content='Reply with {"ok": true}')]
    complete(provider, messages, ChatOptions(max_tokens=16, temperature=0.0, json_schema=_PROBE_SCHEMA,
                                             schema_name="probe"), cancel)
    return str(getattr(provider, "structured_format", "grammar"))
