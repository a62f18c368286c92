from django.core.management.base import BaseCommand

from clinics import cards


class Command(BaseCommand):
    help = (
        "Render the search result card of every published clinic that the card cache lacks, so that "
        "searches find them ready: after a release (cards are kept per release) or a cleared cache."
    )

    def handle(self, *args, **options) -> None:
        clinics, rendered = cards.warm()
        self.stdout.write(f"{clinics:,} published clinics; {rendered:,} cards rendered, the others were ready.")
