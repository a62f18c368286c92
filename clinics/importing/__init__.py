"""Importing clinics from a spreadsheet: each row checked, matched to a listing, and applied.

`import_clinics(data, file_name=..., source=..., commit=...)` reads a whole file and returns a report
with one result per row (create, update, unchanged, possible duplicate or error). Nothing is written
unless `commit` is true; then every valid row is applied in one transaction, under an advisory lock
so that two imports at once cannot both create the same clinic. The file format is in
`clinics/spreadsheets.py`; checking a row is in `rows.py`, matching it to a listing in `matching.py`,
writing it in `writing.py`.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from clinics.importing.known import Known
from clinics.importing.matching import match_rows, repeats_within_file
from clinics.importing.rows import RowResult, check_row
from clinics.importing.writing import apply_rows
from clinics.spreadsheets import read_rows
from directory.caching import listings_changed, one_version_for_many_changes


@dataclass
class ImportReport:
    rows: list[RowResult]
    committed: bool

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "error"]

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(action)} {label}"
            for action, label in [
                ("create", "to create" if not self.committed else "created"),
                ("update", "to update" if not self.committed else "updated"),
                ("unchanged", "unchanged"),
                ("duplicate", "possible duplicates"),
                ("error", "with errors"),
            ]
        )
        return f"{len(self.rows)} rows: {counts}."


def import_clinics(data: bytes, *, file_name: str, source: str = "", commit: bool = False, user=None) -> ImportReport:
    """Check every row of the file; with `commit`, apply the valid ones in one transaction."""
    rows = read_rows(data, file_name)
    zip_codes = {cells.get("zip_code", "").strip().zfill(5) for _, cells in rows}
    if not commit:
        results = _checked(rows, zip_codes, source)
        return ImportReport(results, committed=False)
    with transaction.atomic(), one_version_for_many_changes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('clinic-import'))")
        results = _checked(rows, zip_codes, source)
        apply_rows(results, user)
        listings_changed()
    return ImportReport(results, committed=True)


def _checked(rows: list[tuple[int, dict[str, str]]], zip_codes: set[str], source: str) -> list[RowResult]:
    known = Known.load(zip_codes)
    results = [check_row(line, cells, known, source) for line, cells in rows]
    repeats_within_file(results)
    match_rows(results, known)
    return results
