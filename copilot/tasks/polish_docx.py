"""``polish_docx``: rewrite a Word document's paragraphs with a prompt template and write the
result as tracked changes (default), directly (``clean``) or as comments.

The task reads top to bottom as its four steps, which the app's review shares
(``copilot.tasks.polish.review``):

    read paragraphs (polish.document) → propose rewrites, nothing written (polish.propose)
    → apply the rewrites that passed the guards (polish.document) → write atomically (polish.document)

Here the apply step is pipelined into the propose step: each rewrite is applied as soon as it and
every paragraph before it are decided, while later requests are in flight (``Applier``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from copilot.atomic import check_output
from copilot.cancel import CancelToken
from copilot.errors import PromptError, UsageError
from copilot.events import Done, Event
from copilot.models import Provider
from copilot.prompts import get_template
from copilot.tasks.polish.document import Applier, read_document, write_document
from copilot.tasks.polish.propose import PolishReply, propose_rewrites, reply_schema
from copilot.tasks.polish.results import Mode, ParagraphOutcome, PolishOptions, PolishResult, default_output

__all__ = ["PRESETS", "Mode", "ParagraphOutcome", "PolishOptions", "PolishReply", "PolishResult",
           "default_output", "polish_docx", "polish_docx_with_profile", "reply_schema"]

PRESETS = {
    "polish": "polish.polish", "润色": "polish.polish",
    "formal": "polish.formal", "official": "polish.formal", "正式": "polish.formal",
    "lively": "polish.lively", "活泼": "polish.lively",
    "concise": "polish.concise", "精简": "polish.concise",
    "expand": "polish.expand", "扩写": "polish.expand",
    "fix": "polish.fix", "纠错": "polish.fix",
    "zh-en": "polish.translate_zh_en", "translate-zh-en": "polish.translate_zh_en", "中译英": "polish.translate_zh_en",
    "en-zh": "polish.translate_en_zh", "translate-en-zh": "polish.translate_en_zh", "英译中": "polish.translate_en_zh",
    "match-style": "polish.match_style", "仿写": "polish.match_style",
}


def polish_docx(provider: Provider, src: str | Path, output: str | Path | None = None,
                options: PolishOptions | None = None, cancel: CancelToken | None = None) -> Iterator[Event]:
    """Polish ``src`` into ``output`` (default ``<stem>.polished.docx``); yields events, Done(PolishResult)."""
    started = time.perf_counter()
    options = options or PolishOptions()
    cancel = cancel or CancelToken()
    src = Path(src)
    out = Path(output) if output else default_output(src)
    if out.resolve() == src.resolve():
        raise UsageError(f"{out.name}: the output must not be the input file — choose another -o")
    if src.suffix.lower() == ".docm" and out.suffix.lower() != ".docm":
        raise UsageError(f"{src.name} contains macros, which the polished copy keeps: name the output "
                         f"{out.stem}.docm (a .docx with macros does not open in Word)")
    template = get_template(options.template_id)
    if "paragraphs" not in template.inputs and "text" not in template.inputs:
        raise PromptError(f"template {template.id} has neither a 'paragraphs' nor a 'text' input, "
                          f"so it cannot polish paragraphs — pick a polish template")
    doc = read_document(src)
    check_output(out, force=options.force)

    # Each rewrite is diffed and applied as soon as its reply (and those before it) are in,
    # while later requests are still with the model; the file is written once, at the end.
    author = options.author or _author()
    applier = Applier(doc, options.mode, author)
    proposals = yield from propose_rewrites(provider, template, doc, options, cancel, on_changed=applier.apply)

    written: Path | None = None
    if proposals.candidates:
        written = write_document(doc, out, options.mode, author, force=options.force)

    ordered = [proposals.outcomes[k] for k in sorted(proposals.outcomes)]
    yield Done(PolishResult(
        output=written, paragraphs=proposals.candidates,
        changed=sum(1 for o in ordered if o.status == "changed"),
        unchanged=sum(1 for o in ordered if o.status == "unchanged"),
        rejected=[o for o in ordered if o.status == "rejected"],
        skipped=[o for o in ordered if o.status == "skipped"],
        outcomes=ordered, tokens_in=proposals.tokens_in, tokens_out=proposals.tokens_out,
        seconds=time.perf_counter() - started, requests=proposals.requests, template=template.id,
        mode=options.mode, model=provider.model))


def polish_docx_with_profile(profile: str | None, src: str | Path, output: str | Path | None = None,
                             options: PolishOptions | None = None,
                             cancel: CancelToken | None = None) -> Iterator[Event]:
    """``polish_docx`` for a profile name, resolved on the thread that runs the job (the app's
    runner worker), so the provider and its key lookup never touch the GUI thread."""
    from copilot.models import get_provider

    return polish_docx(get_provider(profile), src, output, options, cancel)


def child_warm_up() -> None:
    """Run by a spare child process (``copilot.child.prestart``) while it waits for its request:
    loading and checking the prompt library is the first polish's biggest cost (~0.5 s)."""
    from copilot.prompts import list_templates

    list_templates(category="polish")


def _author() -> str:
    from copilot.settings import load_settings

    return load_settings().author or "Desk Copilot"
