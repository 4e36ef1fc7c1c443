"""Taking in a force's records: file readers and the batch importer."""

from threadline.ingest.importer import ImportReport, Rejection, import_files, import_records
from threadline.ingest.readers import RawRecord, read_csv, read_file, read_jsonl

__all__ = [
    "ImportReport",
    "RawRecord",
    "Rejection",
    "import_files",
    "import_records",
    "read_csv",
    "read_file",
    "read_jsonl",
]
