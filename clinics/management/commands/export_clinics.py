from django.core.management.base import BaseCommand, CommandParser

from clinics.models import Clinic
from clinics.spreadsheets import export_rows, write_csv, write_json_lines


class Command(BaseCommand):
    help = "Write clinics as CSV or JSON Lines in the import schema, so the file imports back unchanged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--output", help="A file to write; standard output without it.")
        parser.add_argument("--status", choices=Clinic.Status.values, help="Only clinics with this status.")

    def handle(self, *args, format: str, output: str | None, status: str | None, **options) -> None:
        clinics = Clinic.objects.filter(status=status) if status else Clinic.objects.all()
        rows = export_rows(clinics)
        write = write_csv if format == "csv" else write_json_lines
        if output:
            with open(output, "w", newline="", encoding="utf-8") as out:
                write(rows, out)
            self.stderr.write(f"{len(rows)} clinics written to {output}.")
        else:
            self.stdout.ending = ""
            write(rows, self.stdout)
