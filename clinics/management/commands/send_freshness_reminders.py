from django.core.management.base import BaseCommand

from clinics.staff.services.reminders import clinics_to_remind, reminder_send


class Command(BaseCommand):
    help = (
        "E-mail the staff of claimed listings whose prices, insurance, hours or availability near their "
        "limit, at most once a month per clinic (run daily)."
    )

    def handle(self, *args, **options) -> None:
        sent = sum(1 for clinic in clinics_to_remind().iterator(chunk_size=200) if reminder_send(clinic=clinic))
        self.stdout.write(f"{sent} reminder(s) sent.")
