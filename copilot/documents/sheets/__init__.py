"""Spreadsheets: read (calamine/openpyxl/CSV), detect tables and headers, profile columns, answer
questions with sandboxed DuckDB SQL, write report workbooks and check formulas.

Heavy libraries (duckdb, numpy, openpyxl, python-calamine) are imported by the submodules, so
import those directly: ``from copilot.documents.sheets.query import open_database``.
"""
