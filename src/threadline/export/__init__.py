"""Writing what Threadline exports: CSV files that are safe to open in a spreadsheet."""

from threadline.export.csv_file import SafeCsvWriter, neutralise_cell, safe_csv_writer

__all__ = ["SafeCsvWriter", "neutralise_cell", "safe_csv_writer"]
