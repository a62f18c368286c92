from django.core.management.base import BaseCommand

from guides.starter_guides import create_starter_guides


class Command(BaseCommand):
    help = "Create or refresh the starter patient guides (demo content with a fictional reviewer)."

    def handle(self, *args, **options) -> None:
        count = create_starter_guides()
        self.stdout.write(self.style.SUCCESS(f"{count} starter guides are published."))
