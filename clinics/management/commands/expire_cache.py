from django.core.management.base import BaseCommand

from clinics.caching import start_new_versions


class Command(BaseCommand):
    help = (
        "Make every cached page and computed entry stale on all app servers. Run once per release, "
        "after migrate: cached HTML was rendered by the old templates."
    )

    def handle(self, *args, **options) -> None:
        start_new_versions()
        self.stdout.write("Started new cache versions; pages are rendered afresh on their next request.")
