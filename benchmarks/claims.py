"""Which catches more wrong narrations: checking free text, or narrating with cell references?

Issue 20 asks to compare two ways of keeping a narrated spreadsheet answer honest:

A. free text — the model writes 「华东最高，为 2,403,821.89 元」 and ``claims.unsupported_claims`` plus
   ``trace.untraceable_numbers`` check it against the result;
B. cell references — the model writes 「[[R1C1]]最高，为 [[R1C2]] 元」, the app fills in the cells
   (``cellrefs``) and the same checks run on the filled text, now knowing each name's and number's row.

Each case below is one meaning written both ways (what a model would write in either style), right
or wrong, in zh and en. Printed: per style, the share of wrong narrations caught and of right ones
falsely flagged. This is a hand-written set, not model output: it measures what each checker CAN
catch once the model keeps to the style, not how often a model keeps to it.

    python benchmarks/claims.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from copilot.documents.sheets.cellrefs import unsupported_claims_with_references
from copilot.documents.sheets.claims import unsupported_claims
from copilot.documents.sheets.trace import untraceable_numbers

REGIONS = (["区域", "总额"], [["华东地区", 2403821.89], ["华北地区", 1898878.32], ["华南地区", 1629266.58],
                            ["西南地区", 1197029.38]],
           'SELECT "区域", SUM("销售额") AS "总额" FROM t GROUP BY 1 ORDER BY "总额" DESC')
MONTHS = (["月份", "销售额"], [["2024-01", 812345.5], ["2024-02", 701234.25], ["2024-03", 990876.0],
                            ["2024-04", 640000.75]],
          'SELECT strftime("日期", \'%Y-%m\') AS "月份", SUM("销售额") AS "销售额" FROM t GROUP BY 1 ORDER BY 1')
EN = (["Region", "Total"], [["East", 2403821.89], ["North", 1898878.32], ["South", 1629266.58],
                            ["West", 1197029.38]],
      "SELECT Region, SUM(Sales) AS Total FROM t GROUP BY 1 ORDER BY Total DESC")
SOURCES = ["日期", "区域", "销售额", "Region", "Sales"]
NAMES = ["华东地区", "华北地区", "华南地区", "西南地区", "西北地区", "East", "North", "South", "West", "Central"]

# (result, wrong?, free text, with references)
CASES: list[tuple[Any, bool, str, str]] = [
    (REGIONS, True, "华南地区的销售额最高，其次是华东地区。", "[[R3C1]]的销售额最高，其次是[[R1C1]]。"),
    (REGIONS, False, "华东地区最高，为 2,403,821.89 元，其次是华北地区。", "[[R1C1]]最高，为 [[R1C2]] 元，其次是[[R2C1]]。"),
    (REGIONS, True, "华北区销售额最高。", "[[R2C1]]销售额最高。"),  # the model shortens the name
    (REGIONS, False, "华东区销售额最高。", "[[R1C1]]销售额最高。"),
    (REGIONS, True, "华东地区最高，为 1,898,878.32 元。", "[[R1C1]]最高，为 [[R2C2]] 元。"),  # a value from another row
    (REGIONS, True, "华北地区的销售额高于华东地区。", "[[R2C1]]的销售额高于[[R1C1]]。"),
    (REGIONS, True, "西北地区销售额最高。", "西北地区销售额最高。"),  # a name the result does not hold
    (REGIONS, True, "华东地区最高，达 2,500,000 元。", "[[R1C1]]最高，达 2,500,000 元。"),  # an invented number
    (REGIONS, False, "西南地区销售额最低，为 1,197,029.38 元。", "[[R4C1]]销售额最低，为 [[R4C2]] 元。"),
    (MONTHS, True, "1月的销售额最高。", "[[R1C1]]的销售额最高。"),  # a date label
    (MONTHS, False, "3月的销售额最高，为 990,876 元。", "[[R3C1]]的销售额最高，为 [[R3C2]] 元。"),
    (MONTHS, True, "4月之后销售额最高的是2月。", "销售额最高的是[[R2C1]]。"),
    (EN, True, "South had the highest sales, followed by East.", "[[R3C1]] had the highest sales, followed by [[R1C1]]."),
    (EN, False, "East had the highest sales (2,403,821.89), followed by North.",
     "[[R1C1]] had the highest sales ([[R1C2]]), followed by [[R2C1]]."),
    (EN, True, "The eastern region led with 1,898,878.32.", "[[R1C1]] led with [[R2C2]]."),
    (EN, True, "North outsold East.", "[[R2C1]] outsold [[R1C1]]."),
    (EN, False, "West had the lowest total, 1,197,029.38.", "[[R4C1]] had the lowest total, [[R4C2]]."),
    (EN, True, "The Central region had the highest sales.", "The Central region had the highest sales."),
    (EN, True, "East had the highest sales at 2.5 million.", "[[R1C1]] had the highest sales at 2.5 million."),
    (EN, False, "South ranks third.", "[[R3C1]] ranks third."),
]


def _free(case: tuple[Any, bool, str, str]) -> bool:
    (columns, rows, sql), _, text, _ = case
    claims = unsupported_claims(text, columns, rows, sql=sql, source_columns=SOURCES, known_names=NAMES)
    return bool(claims or untraceable_numbers(text, columns, rows))


def _refs(case: tuple[Any, bool, str, str]) -> bool:
    (columns, rows, sql), _, _, text = case
    filled, claims = unsupported_claims_with_references(text, columns, rows, sql=sql, source_columns=SOURCES,
                                                        known_names=NAMES)
    return bool(claims or untraceable_numbers(filled, columns, rows))


def main() -> int:
    wrong = [c for c in CASES if c[1]]
    right = [c for c in CASES if not c[1]]
    print(f"load average {os.getloadavg()[0]:.2f}; {len(wrong)} wrong and {len(right)} right narrations (zh + en)")
    for name, check in (("free text", _free), ("cell references", _refs)):
        caught = sum(check(c) for c in wrong)
        false = sum(check(c) for c in right)
        missed = [c[2] if check is _free else c[3] for c in wrong if not check(c)]
        print(f"{name:16s} caught {caught}/{len(wrong)} ({caught / len(wrong):.0%}) of the wrong ones; "
              f"flagged {false}/{len(right)} right ones")
        for text in missed:
            print(f"    missed: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
