from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinics.inquiries import inquiries_purge


class Command(BaseCommand):
    help = "Delete patient inquiries older than the retention period (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.INQUIRY_RETENTION_DAYS,
            help=f"Keep inquiries this many days (default {settings.INQUIRY_RETENTION_DAYS}, INQUIRY_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1.")
        self.stdout.write(f"{inquiries_purge(older_than_days=days)} inquiries older than {days} days deleted.")
