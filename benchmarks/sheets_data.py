"""Generates the benchmark workbooks for benchmarks/sheets.py (cached; slow the first time)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

COLUMNS = ["id", "region", "department", "date", "amount", "quantity", "price", "discount", "cost",
           "margin", "active", "customer", "product", "score", "rating", "weight", "timestamp",
           "channel", "notes", "tax"]
REGIONS = ["North", "South", "East", "West", "华东", "华南"]


def generate(path: Path, rows: int, seed: int = 7) -> Path:
    """Write a rows × 20 mixed-type .xlsx with xlsxwriter (constant memory)."""
    import xlsxwriter

    rnd = random.Random(seed)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ts_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    pct = wb.add_format({"num_format": "0.0%"})
    money = wb.add_format({"num_format": "¥#,##0.00"})
    ws.write_row(0, 0, COLUMNS)
    base = dt.datetime(2023, 1, 1)
    for r in range(1, rows + 1):
        d = base + dt.timedelta(days=rnd.randrange(730))
        ws.write_number(r, 0, r)
        ws.write_string(r, 1, rnd.choice(REGIONS))
        ws.write_string(r, 2, f"Dept {rnd.randrange(12)}")
        ws.write_datetime(r, 3, d, date_fmt)
        ws.write_number(r, 4, round(rnd.gauss(1000, 250), 2), money)
        ws.write_number(r, 5, rnd.randrange(1, 50))
        ws.write_number(r, 6, round(rnd.uniform(1, 99), 2))
        ws.write_number(r, 7, round(rnd.random() * 0.3, 3), pct)
        ws.write_number(r, 8, round(rnd.uniform(10, 500), 2), money)
        ws.write_number(r, 9, round(rnd.uniform(-0.1, 0.4), 3), pct)
        ws.write_boolean(r, 10, rnd.random() < 0.7)
        ws.write_string(r, 11, f"Customer {rnd.randrange(5000)}")
        ws.write_string(r, 12, f"P-{rnd.randrange(300):03d}")
        if rnd.random() < 0.05:
            pass  # a gap
        else:
            ws.write_number(r, 13, round(rnd.gauss(70, 12), 1))
        ws.write_number(r, 14, rnd.randrange(1, 6))
        ws.write_number(r, 15, round(rnd.expovariate(0.1), 3))
        ws.write_datetime(r, 16, d + dt.timedelta(minutes=rnd.randrange(1440)), ts_fmt)
        ws.write_string(r, 17, rnd.choice(["web", "store", "phone"]))
        ws.write_string(r, 18, rnd.choice(["", "urgent", "repeat customer", "gift", "备注"]) or "-")
        ws.write_number(r, 19, round(rnd.uniform(0, 80), 2), money)
    wb.close()
    tmp.replace(path)
    return path



def generate_narrow(path: Path, rows: int, seed: int = 11) -> Path:
    """A rows × 6 sheet (region, date, amount, quantity, channel, note) — for the 1M-row prompt test."""
    import xlsxwriter

    rnd = random.Random(seed)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Orders")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["region", "date", "amount", "quantity", "channel", "note"])
    base = dt.date(2020, 1, 1)
    for r in range(1, rows + 1):
        ws.write_string(r, 0, rnd.choice(REGIONS))
        ws.write_datetime(r, 1, dt.datetime.combine(base + dt.timedelta(days=rnd.randrange(1800)), dt.time()),
                          date_fmt)
        ws.write_number(r, 2, round(rnd.gauss(1000, 250), 2))
        ws.write_number(r, 3, rnd.randrange(1, 50))
        ws.write_string(r, 4, rnd.choice(["web", "store", "phone"]))
        ws.write_string(r, 5, f"order {r}")
    wb.close()
    tmp.replace(path)
    return path


if __name__ == "__main__":
    import sys

    (generate_narrow if len(sys.argv) > 3 else generate)(Path(sys.argv[1]), int(sys.argv[2]))
