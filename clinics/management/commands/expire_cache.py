from django.core.management.base import BaseCommand

from directory.caching import start_new_versions


class Command(BaseCommand):
    help = (
        "Make every cached page and computed entry stale on all app servers, after a change made "
        "around the app (SQL, or QuerySet.update in a shell). A release needs nothing: entries are "
        "cached per release of code, templates and static files."
    )

    def handle(self, *args, **options) -> None:
        start_new_versions()
        self.stdout.write("Started new cache versions; pages are rendered afresh on their next request.")
