from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinics.importing import import_clinics
from clinics.spreadsheets import MAX_IMPORT_BYTES, ImportFileError


class Command(BaseCommand):
    help = "Check a CSV or JSON Lines file of clinics row by row; with --commit, import its valid rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv (UTF-8) or .jsonl file in the schema described in the README.")
        parser.add_argument("--source", default="", help="Where the rows come from, for rows without a source column.")
        parser.add_argument(
            "--commit", action="store_true", help="Write the valid rows (in one transaction); without it, a dry run."
        )

    def handle(self, *args, file: str, source: str, commit: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CommandError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it into parts.")
        try:
            report = import_clinics(path.read_bytes(), file_name=path.name, source=source.strip(), commit=commit)
        except ImportFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        for row in report.rows:
            if row.action != "error":
                detail = row.describe()
                self.stdout.write(f"line {row.line}: {row.action} {row.name}{' - ' + detail if detail else ''}")
        if report.errors:
            self.stdout.write("Rows with errors, not imported:")
            for row in report.errors:
                self.stdout.write(f"line {row.line}: {row.name or '(no name)'} - {row.describe()}")
        self.stdout.write(report.summary())
        if not commit:
            self.stdout.write("Dry run: nothing was written. Add --commit to import the rows without errors.")
