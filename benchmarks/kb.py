"""Knowledge base: index throughput, re-sync with nothing changed, search latency, retrieval quality.

All in one run with the offline embedding model (wordllama, vectors on):
- the shared corpus (../shared/corpus, when present) plus the labelled set: files/s, chunks/s;
- a generated set of 500 Markdown files of 20 chunks each (10,000 chunks, half Chinese):
  index time (goal <= 30 s), then a re-sync with nothing changed (goal <= 1 s);
- search latency p50/p95 (hybrid: BM25 + vectors + fusion, no model) at 10,000 chunks and at
  100,000 chunks (the extra 90,000 written straight to the store; goal p95 <= 50 ms);
- hit@1/hit@5 on the labelled set for BM25, vectors and hybrid.

    python benchmarks/kb.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="kb-bench-")

from copilot.kb.chunks import Chunk  # noqa: E402
from copilot.kb.embed import OFFLINE_MODEL, offline_embedder  # noqa: E402
from copilot.kb.search import search  # noqa: E402
from copilot.kb.store import KnowledgeBase, open_kb  # noqa: E402
from copilot.kb.sync import SyncReport, add_paths, chunk_hash, sync  # noqa: E402
from tests.kb_eval import CORPUS, evaluate  # noqa: E402

_SYLLABLES = [c + v for c in "bcdfghklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
          "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
          "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
          "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资"
          "边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规"
          "热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目"
          "至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书")


def _vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """Word lists in a Zipf order: a few words are everywhere, most are rare, as in real documents."""
    en = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(6000)})
    zh = sorted({rng.choice(_HANZI) + rng.choice(_HANZI) for _ in range(4000)})
    rng.shuffle(en)
    rng.shuffle(zh)
    return en, zh


class _Zipf:
    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = words
        self.weights = [1.0 / (rank + 1) for rank in range(len(words))]
        self.rng = rng

    def sample(self, n: int) -> list[str]:
        return self.rng.choices(self.words, self.weights, k=n)


def _paragraph(words: _Zipf, zh: bool) -> str:
    if zh:
        return "".join(w + words.rng.choice("，的和与在了。") for w in words.sample(200))[:850]
    return " ".join(words.sample(150))[:850] + "."


def _run_sync(kb: KnowledgeBase) -> tuple[SyncReport, float]:
    start = time.perf_counter()
    report = None
    for event in sync(kb, offline_embedder()):
        report = getattr(event, "result", report)
    assert isinstance(report, SyncReport)
    return report, time.perf_counter() - start


def _latency(kb: KnowledgeBase, queries: list[str]) -> tuple[float, float]:
    embedder = offline_embedder()
    search(kb, queries[0], embedder=embedder)  # loads the vector matrix once, as the app does
    times = []
    for q in queries:
        start = time.perf_counter()
        search(kb, q, k=8, embedder=embedder)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    rng = random.Random(7)
    en_words, zh_words = _vocabulary(rng)
    en, zh_ = _Zipf(en_words, rng), _Zipf(zh_words, rng)
    offline_embedder().embed(["warm up"])
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores, shared machine)")

    # 1. real files: the shared corpus and the labelled set
    with open_kb("corpus", create=True) as kb:
        shared = next((p for p in (ROOT.parent / "shared" / "corpus", ROOT.parents[1] / "shared" / "corpus") if p.is_dir()),
                      ROOT / "missing")
        add_paths(kb, [CORPUS / "files"] + ([shared] if shared.is_dir() else []))
        report, seconds = _run_sync(kb)
        files = report.added + len(report.failed)
        print(f"corpus: {files} files ({report.added} indexed, {len(report.failed)} refused with a reason), "
              f"{report.chunks} chunks in {seconds:.2f} s = {files / seconds:.1f} files/s, "
              f"{report.chunks / seconds:.0f} chunks/s")

    # 2. generated 10,000 chunks in 500 files, then a re-sync with nothing changed
    folder = Path(tempfile.mkdtemp(prefix="kb-gen-"))
    for i in range(500):
        zh = i % 2 == 0
        body = "\n\n".join(f"## {'第' + str(j + 1) + '节' if zh else 'Section ' + str(j + 1)}\n\n{_paragraph(zh_ if zh else en, zh)}"
                           for j in range(20))
        (folder / f"doc{i:03}.md").write_text(f"# Document {i}\n\n{body}\n", encoding="utf-8")
    with open_kb("generated", create=True) as kb:
        add_paths(kb, [folder])
        report, seconds = _run_sync(kb)
        chunks = kb.chunk_count()
        print(f"generated: 500 files, {chunks} chunks indexed in {seconds:.1f} s = {500 / seconds:.0f} files/s, "
              f"{chunks / seconds:.0f} chunks/s (goal: 10,000 chunks <= 30 s)")
        again, seconds = _run_sync(kb)
        print(f"re-sync, nothing changed: {again.unchanged} unchanged in {seconds * 1000:.0f} ms (goal <= 1 s)")
        # Queries name topic words: neither the most common nor unseen (ranks 20–2,000).
        queries = [" ".join(rng.sample(en_words[20:2000], 3)) if i % 2 else
                   "".join(rng.sample(zh_words[20:2000], 2)) + "是多少" for i in range(200)]
        p50, p95 = _latency(kb, queries)
        print(f"search at {chunks} chunks: p50 {p50:.1f} ms, p95 {p95:.1f} ms")

        # 3. grow to 100,000 chunks straight through the store (the readers are measured above)
        embedder = offline_embedder()
        start = time.perf_counter()
        for f in range(900):
            zh = f % 2 == 0
            texts = [_paragraph(zh_ if zh else en, zh) for _ in range(100)]
            hashes = [chunk_hash("", t) for t in texts]
            matrix = embedder.embed(texts)
            kb.put_source(f"/synthetic/{f}.md", 1, 1, f"h{f}", [Chunk(t, {"line": 1}) for t in texts], hashes,
                          dict(zip(hashes, matrix, strict=True)), OFFLINE_MODEL)
        print(f"(grew to {kb.chunk_count()} chunks in {time.perf_counter() - start:.0f} s)")
        p50, p95 = _latency(kb, queries)
        print(f"search at {kb.chunk_count()} chunks: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 <= 50 ms)")

    # 4. retrieval quality on the labelled set
    with open_kb("quality", create=True) as kb:
        add_paths(kb, [CORPUS / "files"])
        _run_sync(kb)
        for mode in ("bm25", "vector", "hybrid"):
            q = evaluate(kb, mode, offline_embedder() if mode != "bm25" else None)
            zh, en = q.by_lang["zh"], q.by_lang["en"]
            print(f"quality {mode:<6} hit@1 {q.hit1:.2f} hit@5 {q.hit5:.2f}  (zh {zh[0]:.2f}/{zh[1]:.2f}, "
                  f"en {en[0]:.2f}/{en[1]:.2f}) embedding model: {OFFLINE_MODEL if mode != 'bm25' else '-'}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
