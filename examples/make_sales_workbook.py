"""Generate examples/sales.xlsx: 600 rows of sales (日期, 区域, 产品, 销售额, 数量, 销售员).

The 销售额 column is formatted ``#,##0.00`` as a finance team would; 华东 sells the most, then 华北,
华南, 西南, 华中. Deterministic (no randomness), so tests and the screenshot tour can rely on the
order. Run: ``python examples/make_sales_workbook.py [OUT]`` (default: examples/sales.xlsx).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGIONS = ["华东", "华北", "华南", "西南", "华中"]
PRODUCTS = ["笔记本电脑", "显示器", "键盘", "打印机"]
SELLERS = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
WEIGHT = {"华东": 1.6, "华北": 1.3, "华南": 1.1, "西南": 0.8, "华中": 0.6}
PRICE = {"笔记本电脑": 5999.0, "显示器": 1299.5, "键盘": 189.9, "打印机": 2380.0}


def make(path: Path, rows: int = 600) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "销售明细"
    ws.append(["日期", "区域", "产品", "销售额", "数量", "销售员"])
    start = dt.date(2024, 1, 1)
    for i in range(rows):
        region = REGIONS[i % len(REGIONS)]
        product = PRODUCTS[(i // 5 + i // 20) % len(PRODUCTS)]
        quantity = 1 + (i * 13) % 9
        amount = round(PRICE[product] * quantity * WEIGHT[region] * (0.9 + ((i * 37) % 21) / 100), 2)
        ws.append([start + dt.timedelta(days=(i * 11) % 365), region, product, amount, quantity,
                   SELLERS[(i * 5) % len(SELLERS)]])
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 4).number_format = "#,##0.00"
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["D"].width = 14
    wb.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "sales.xlsx"
    make(out)
    sys.stdout.write(f"wrote {out}\n")
