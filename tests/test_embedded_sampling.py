"""The embedded runtime's tuning: lazy grammar sampling gives exactly the grammar-constrained output,
and the thread count follows the machine's cores and load."""

from __future__ import annotations

import json
import os

import pytest

from copilot.models import embedded_sampling


@pytest.mark.embedded
def test_lazy_grammar_sampling_matches_full_grammar_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    from llama_cpp import Llama

    from copilot.models.embedded import default_gguf_path

    schema = {"type": "object", "additionalProperties": False, "required": ["paragraphs"],
              "properties": {"paragraphs": {"type": "array", "minItems": 2, "maxItems": 2, "items": {
                  "type": "object", "additionalProperties": False, "required": ["id", "text"],
                  "properties": {"id": {"type": "string", "enum": ["1", "2"]},
                                 "text": {"type": "string", "maxLength": 60}}}}}}
    messages = [{"role": "system", "content": "Rewrite each paragraph formally. Reply in JSON."},
                {"role": "user", "content": json.dumps([{"id": "1", "text": "pls send the numbers by fri"},
                                                        {"id": "2", "text": "大家记得周五前把表交上来哈"}],
                                                       ensure_ascii=False)}]
    replies = {}
    for tuned in (True, False):
        monkeypatch.setattr(embedded_sampling, "TUNED", tuned)
        # The same threads both times: only the sampler differs (thread counts change float sums).
        llm = embedded_sampling.llama_class(Llama)(model_path=str(default_gguf_path()), n_ctx=1024, verbose=False,
                                                   n_threads=1, n_threads_batch=1)
        reply = llm.create_chat_completion(messages=messages, max_tokens=40, temperature=0.0, repeat_penalty=1.3,
                                           response_format={"type": "json_object", "schema": schema})
        replies[tuned] = reply["choices"][0]["message"]["content"]
        llm.close()
    assert replies[True] == replies[False]
    assert replies[True].lstrip().startswith("{")


def test_threads_follow_cores_and_load(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = embedded_sampling.physical_cores()
    assert 1 <= cores <= (os.cpu_count() or 1)
    monkeypatch.setattr(embedded_sampling, "TUNED", True)
    monkeypatch.setattr(embedded_sampling.os, "getloadavg", lambda: (0.1, 0.1, 0.1))
    assert embedded_sampling.threads_now() == cores
    monkeypatch.setattr(embedded_sampling.os, "getloadavg", lambda: (float((os.cpu_count() or 1) + 5), 0.0, 0.0))
    assert embedded_sampling.threads_now() == max(1, cores // 2)
    monkeypatch.setattr(embedded_sampling, "TUNED", False)
    assert embedded_sampling.threads_now() == (os.cpu_count() or 1)
