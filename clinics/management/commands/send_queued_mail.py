from django.core.management.base import BaseCommand

from clinics.inquiries import inquiries_deliver_pending


class Command(BaseCommand):
    help = "E-mail every inquiry still waiting to be sent (run every few minutes from cron or a scheduler)."

    def handle(self, *args, **options) -> None:
        sent, waiting = inquiries_deliver_pending()
        self.stdout.write(f"{sent} inquiries sent; {waiting} still waiting.")
