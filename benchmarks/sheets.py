"""Spreadsheet benchmark (issues 4 and 17).

1. A generated 200,000 × 20 mixed-type .xlsx, each contender in a fresh subprocess (imports
   included, so CPU seconds and peak memory (ru_maxrss) are comparable), interleaved, medians:
   our ``analyse`` (fastexcel -> Arrow -> DuckDB -> profile); the floor, a bare read of the same
   sheet by the same Rust reader (``fastexcel.read_excel(p).load_sheet(0).to_arrow()``); and what a
   user would otherwise run, ``pandas.read_excel(engine="calamine")`` + ``describe(include="all")``
   (``--openpyxl`` adds pandas with openpyxl, issue 4's comparison). Goals (issue 17): CPU ≤ 1.3×
   the bare read, ≥ 1.5× faster than pandas + calamine.
2. Peak memory of ``analyse`` on a 1,000,000 × 6 sheet against the bare read of it (goal ≤ 1.2×).
3. Prompt tokens sent for a question on a 10-row sheet and on a 1,000,000-row sheet (≤ 3,000),
   through the fake OpenAI server, plus the time and peak memory of loading the 1M-row sheet.

Workbooks are generated once into a cache directory (slow the first time: xlsxwriter writes about
2,500 rows/s × 20 columns on a busy machine).

    python benchmarks/sheets.py [--cache DIR] [--rows 200000] [--big-rows 1000000] [--repeat 3]
                                [--skip-pandas] [--openpyxl] [--skip-prompt]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sheets_data import generate, generate_narrow  # noqa: E402

OURS = """
import json, resource, sys, time
t = time.perf_counter()
from copilot.documents.sheets.query import open_database
from copilot.documents.sheets.profile import profile_database
db = open_database(sys.argv[1])
loaded = time.perf_counter() - t
profile = profile_database(db)
db.close()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "load_seconds": loaded, "cpu": ru.ru_utime + ru.ru_stime,
                  "rows": sum(s["rows"] for s in profile["sheets"]),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BARE = """
import json, resource, sys, time
t = time.perf_counter()
import fastexcel
batch = fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": batch.num_rows, "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mb": ru.ru_maxrss / 1024}))
"""

PANDAS = """
import json, resource, sys, time
t = time.perf_counter()
import pandas as pd
df = pd.read_excel(sys.argv[1], engine=sys.argv[2])
d = df.describe(include="all")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df), "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DUCKDB_CSV = """
import json, resource, sys, time
t = time.perf_counter()
import duckdb
con = duckdb.connect()
rows = con.execute("SELECT count(*) FROM (SELECT * FROM read_csv(?))", [sys.argv[1]]).fetchone()[0]
con.execute("SUMMARIZE SELECT * FROM read_csv(?)", [sys.argv[1]]).fetchall()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows, "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mb": ru.ru_maxrss / 1024}))
"""

PANDAS_CSV = """
import json, resource, sys, time
t = time.perf_counter()
import pandas as pd
df = pd.read_csv(sys.argv[1])
d = df.describe(include="all")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df), "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mb": ru.ru_maxrss / 1024}))
"""


_TO_CSV = """
import sys, duckdb, fastexcel
con = duckdb.connect()
con.register("wide", fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow())
con.execute("COPY (SELECT * REPLACE (strftime(date, '%Y-%m-%d') AS date, strftime(timestamp, '%Y-%m-%d %H:%M') "
            "AS timestamp) FROM wide) TO '" + sys.argv[2] + "' (HEADER)")
"""


def _csv_copy(xlsx: Path) -> Path:
    """The wide workbook as UTF-8 CSV (dates as YYYY-MM-DD), cached next to it. Written by a
    child process: peak memory carries over into every process this one starts after."""
    path = xlsx.with_suffix(".csv")
    if not path.exists():
        tmp = path.with_suffix(".tmp.csv")
        subprocess.run([sys.executable, "-c", _TO_CSV, str(xlsx), str(tmp)], check=True)
        tmp.replace(path)
    return path


PROMPT = """
import json, resource, sys, time
t = time.perf_counter()
from copilot.documents.sheets.profile import profile_database
from copilot.documents.sheets.query import open_database
from copilot.prompts import estimate_messages_tokens
from copilot.tasks.ask_sheet import answer_question
from copilot.events import Done
from tests.fake_openai_server import FakeOpenAIServer
from copilot.models.openai_compatible import OpenAICompatibleProvider
from copilot.models.profiles import Profile

db = open_database(sys.argv[1])
profile = profile_database(db)
loaded = time.perf_counter() - t
with FakeOpenAIServer(models=["fake-model"]) as server:
    def respond(req):
        if "DuckDB" in req["messages"][0]["content"]:
            return {"sql": 'SELECT "region", round(avg("amount"), 2) AS avg FROM "Orders" GROUP BY 1 ORDER BY 2 DESC'}
        return "See the table."
    server.reply(respond)
    provider = OpenAICompatibleProvider(Profile("bench", base_url=server.base_url, model="fake-model",
                                                timeout=60.0), "sk-bench")
    for event in answer_question(provider, db, profile, "Which region has the highest average amount?"):
        if isinstance(event, Done):
            result = event.result
    sql_request = server.requests[0]
db.close()
print(json.dumps({"rows": profile["sheets"][0]["rows"], "estimated_prompt_tokens": result.prompt_tokens,
                  "sent_prompt_tokens": estimate_messages_tokens(sql_request["messages"]),
                  "sent_chars": sum(len(m["content"]) for m in sql_request["messages"]),
                  "load_and_profile_seconds": loaded,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


_PYCACHE = Path(tempfile.gettempdir()) / "desk-copilot-bench-pycache"


def _bytecode_env() -> dict[str, str]:
    """Our modules run from compiled bytecode, as in an installed app (pip and PyInstaller compile
    them; a shell with PYTHONDONTWRITEBYTECODE would recompile them in every timed run, ~20 ms
    that the readers' own installed modules never pay)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    return env


def _compile_ours() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "copilot")], env=_bytecode_env(),
                   check=True, stdout=subprocess.DEVNULL)


def _run(script: str, path: Path, *extra: str) -> dict[str, float]:
    env = dict(_bytecode_env(), PYTHONPATH=str(ROOT), DESK_COPILOT_HOME=tempfile.mkdtemp(prefix="bench-home-"))
    proc = subprocess.run([sys.executable, "-c", script, str(path), *extra], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark subprocess failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _cached(cache: Path, name: str, make: object, rows: int) -> Path:
    path = cache / name
    if not path.exists():
        print(f"generating {path} ({rows:,} rows) …", flush=True)
        started = time.perf_counter()
        make(path, rows)  # type: ignore[operator]
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return path


def _median_runs(contenders: dict[str, tuple[str, tuple[str, ...]]], path: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Each contender ``repeat`` times, interleaved; the median run (by CPU) of each."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, (script, extra) in contenders.items():
            runs[name].append(_run(script, path, *extra))
    return {name: sorted(r, key=lambda x: x["cpu"])[len(r) // 2] for name, r in runs.items()}


def _line(name: str, r: dict[str, float]) -> str:
    return (f"  {name:<16}: {r['seconds']:7.2f} s wall, {r['cpu']:6.2f} s CPU, peak RSS {r['maxrss_mb']:6.0f} MB, "
            f"{int(r['rows']):,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "DESK_COPILOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "desk-copilot-bench")))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--openpyxl", action="store_true", help="also pandas + openpyxl (slow: minutes)")
    parser.add_argument("--skip-prompt", action="store_true")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    _compile_ours()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    wide = _cached(args.cache, f"bench_{args.rows}.xlsx", generate, args.rows)
    print(f"\n1. analyse {wide.name} ({args.rows:,} × 20, {wide.stat().st_size / 1e6:.1f} MB), "
          f"median of {args.repeat} interleaved runs")
    contenders: dict[str, tuple[str, tuple[str, ...]]] = {"bare fastexcel": (BARE, ()), "ours": (OURS, ())}
    if not args.skip_pandas:
        contenders["pandas+calamine"] = (PANDAS, ("calamine",))
    if args.openpyxl:
        contenders["pandas+openpyxl"] = (PANDAS, ("openpyxl",))
    results = _median_runs(contenders, wide, args.repeat)
    for name, r in results.items():
        print(_line(name, r))
    ours, bare = results["ours"], results["bare fastexcel"]
    print(f"  ours / bare read: {ours['cpu'] / bare['cpu']:.2f}× CPU (goal ≤ 1.3), {ours['seconds'] / bare['seconds']:.2f}× wall")
    for name in ("pandas+calamine", "pandas+openpyxl"):
        if name in results:
            theirs = results[name]
            print(f"  {name} / ours: {theirs['cpu'] / ours['cpu']:.2f}× CPU, {theirs['seconds'] / ours['seconds']:.2f}× wall "
                  f"(goal ≥ 1.5× for calamine), memory {theirs['maxrss_mb'] / ours['maxrss_mb']:.2f}")
    print(f"  load average: {os.getloadavg()[0]:.2f}")

    csv_path = _csv_copy(wide)
    print(f"\n1b. analyse {csv_path.name} (the same table as UTF-8 CSV, {csv_path.stat().st_size / 1e6:.1f} MB), "
          f"median of {args.repeat}: CSV goes cell by cell (typed as a spreadsheet would hold it)")
    contenders = {"duckdb read_csv": (DUCKDB_CSV, ()), "ours": (OURS, ())}
    if not args.skip_pandas:
        contenders["pandas read_csv"] = (PANDAS_CSV, ())
    results = _median_runs(contenders, csv_path, args.repeat)
    for name, r in results.items():
        print(_line(name, r))
    ours = results["ours"]
    print(f"  ours / DuckDB's own reader + SUMMARIZE: {ours['cpu'] / results['duckdb read_csv']['cpu']:.2f}× CPU"
          + (f"; pandas read_csv + describe / ours: {results['pandas read_csv']['cpu'] / ours['cpu']:.2f}× CPU"
             if "pandas read_csv" in results else ""))
    print(f"  load average: {os.getloadavg()[0]:.2f}")

    big = _cached(args.cache, f"narrow_{args.big_rows}.xlsx", generate_narrow, args.big_rows)
    print(f"\n2. peak memory, {big.name} ({args.big_rows:,} × 6), median of {args.repeat}")
    results = _median_runs({"bare fastexcel": (BARE, ()), "ours": (OURS, ())}, big, args.repeat)
    for name, r in results.items():
        print(_line(name, r))
    ours, bare = results["ours"], results["bare fastexcel"]
    print(f"  ours / bare read: {ours['maxrss_mb'] / bare['maxrss_mb']:.2f}× peak RSS (goal ≤ 1.2), "
          f"{ours['cpu'] / bare['cpu']:.2f}× CPU")
    print(f"  load average: {os.getloadavg()[0]:.2f}")
    if args.skip_prompt:
        return

    print("\n3. prompt tokens for one question (fake server)")
    small = _cached(args.cache, "narrow_10.xlsx", generate_narrow, 10)
    for path in (small, big):
        r = _run(PROMPT, path)
        print(f"  {int(r['rows']):>9,} rows: {int(r['sent_prompt_tokens']):5d} tokens sent "
              f"({int(r['sent_chars']):,} chars; budget 3,000), load+profile {r['load_and_profile_seconds']:.1f} s, "
              f"peak RSS {r['maxrss_mb']:.0f} MB")
    print(f"  load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
