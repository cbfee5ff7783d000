"""The one number formatter: grouping, decimals from the Excel format, no scientific notation
below 1e15, exact values for machines."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from copilot.numbers import exact_text, format_for_result_column, format_value, style_from_format


@pytest.mark.parametrize(("value", "code", "shown"), [
    (2321228.12, None, "2,321,228.12"),
    (39422.42, None, "39,422.42"),
    (13640.123, None, "13,640.12"),
    (3.0, None, "3"),
    (1234567, None, "1,234,567"),
    (0.00123, None, "0.00123"),
    (-0.0001, "#,##0.00", "0.00"),
    (999999999999999.0, None, "999,999,999,999,999"),
    (1e16, None, "1e+16"),
    (1e-7, None, "1e-07"),
    (decimal.Decimal("1234.5"), None, "1,234.50"),
    (1234567.891, '"¥"#,##0.00', "¥1,234,567.89"),
    (-1234.5, "[$¥-804]#,##0.00", "-¥1,234.50"),
    (1234.5, '_-¥* #,##0.00_-;-¥* #,##0.00_-', "¥1,234.50"),
    (1234.5, '#,##0.00 "元"', "1,234.50 元"),
    (0.2534, "0.0%", "25.3%"),
    (1200, "#,##0.00", "1,200.00"),
    (1200, "0%", "120000%"),
    (2.5, "0", "2"),
    (None, None, ""),
    (True, None, "TRUE"),
    (dt.date(2024, 3, 1), "yyyy-mm-dd", "2024-03-01"),
    (dt.datetime(2024, 3, 1, 8, 30), None, "2024-03-01 08:30:00"),
    ("华东", None, "华东"),
])
def test_format_value(value: object, code: str | None, shown: str) -> None:
    assert format_value(value, style_from_format(code)) == shown


def test_no_scientific_notation_below_1e15() -> None:
    for exponent in range(-5, 15):
        for mantissa in (1.0, 2.345678, 9.99):
            assert "e" not in format_value(mantissa * 10 ** exponent)


def test_exact_text_keeps_every_digit() -> None:
    assert exact_text(2321228.1234567) == "2321228.1234567"
    assert exact_text(1e16) == "1e+16"
    assert exact_text(5.0) == "5"
    assert exact_text(decimal.Decimal("0.10")) == "0.10"


def test_result_columns_inherit_the_source_format() -> None:
    formats = {"销售额": "#,##0.00", "数量": None, "占比": "0.0%"}
    assert format_for_result_column("销售额", formats) == "#,##0.00"
    assert format_for_result_column('sum("销售额")', formats) == "#,##0.00"
    assert format_for_result_column("销售额合计", formats) == "#,##0.00"
    assert format_for_result_column("count(销售额)", formats) is None
    assert format_for_result_column("总额", formats) is None
    assert format_for_result_column("占比", formats) == "0.0%"


def test_years_and_ids_are_not_grouped() -> None:
    from copilot.numbers import style_for_column

    assert format_value(2024, style_for_column("年份", None)) == "2024"
    assert format_value(20240301, style_for_column("订单编号", None)) == "20240301"
    assert format_value(20240301, style_for_column("customer_id", None)) == "20240301"
    assert format_value(1191, style_for_column("总数量", None)) == "1,191"
    assert format_value(1191.5, style_for_column("销售额", "#,##0.00")) == "1,191.50"
