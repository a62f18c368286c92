from django.core.management.base import BaseCommand

from clinics.inquiries import inquiries_deliver_pending
from directory.outbox import queued_emails_send_pending


class Command(BaseCommand):
    help = (
        "Send every e-mail still waiting: patient inquiries, staff notifications and account e-mails "
        "(run every few minutes from cron or a scheduler)."
    )

    def handle(self, *args, **options) -> None:
        inquiries_sent, inquiries_waiting = inquiries_deliver_pending()
        sent, waiting = queued_emails_send_pending()
        self.stdout.write(
            f"{inquiries_sent} inquiries sent, {inquiries_waiting} still waiting; "
            f"{sent} other e-mails sent, {waiting} still waiting."
        )
