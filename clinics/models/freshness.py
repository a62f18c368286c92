"""When the facts patients decide on were last confirmed, by whom and how, and the reminders that keep them fresh.

Four groups of facts each carry their own date: prices and insurance (on every treatment offer),
accepting new patients, hours and telehealth (on the clinic). Each group is stale after its own
time (`FactGroup.stale_after`): the page then marks it "may be out of date" and its staff are reminded.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConfirmedBy(models.TextChoices):
    EDITOR = "editor", "our editors"
    CLINIC = "clinic", "the clinic's staff"
    IMPORT = "import", "an import"


class ConfirmedHow(models.TextChoices):
    PHONE = "phone", "by phone"
    WEBSITE = "website", "on the clinic's website"
    CLINIC = "clinic", "with the clinic"
    IMPORT = "import", "from imported data"


@dataclass(frozen=True)
class FactGroup:
    key: str
    label: str
    stale_after: timedelta  # unconfirmed for longer, the fact is marked "may be out of date"


# Order matters: the verification queue and the clinic page list the groups in this order.
FACT_GROUPS = {
    "prices": FactGroup("prices", "Prices and insurance", timedelta(days=183)),
    "accepting": FactGroup("accepting", "Accepting new patients", timedelta(days=92)),
    "hours": FactGroup("hours", "Hours", timedelta(days=365)),
    "telehealth": FactGroup("telehealth", "Telehealth", timedelta(days=365)),
}
CLINIC_FACT_GROUPS = ["accepting", "hours", "telehealth"]  # stored on the clinic; prices on each offer
# The search filter "confirmed in the last 6 months": every decision fact of the listing confirmed
# this recently. One window for the whole listing, unlike each group's own `stale_after`.
CONFIRMED_RECENTLY = timedelta(days=183)
# Clinic staff are reminded this long before a fact becomes stale.
REMIND_BEFORE = timedelta(days=14)


@dataclass(frozen=True)
class Confirmation:
    """One fact group's last confirmation, as a page shows it."""

    group: FactGroup
    at: datetime | None
    by: str
    how: str

    @property
    def stale(self) -> bool:
        return self.due_within()

    def due_within(self, within: timedelta = timedelta(0)) -> bool:
        """Never confirmed, or past its limit within `within` from now (as with_facts_due says in SQL)."""
        return self.at is None or self.at + self.group.stale_after < timezone.now() + within

    @property
    def due_at(self) -> datetime | None:
        return self.at + self.group.stale_after if self.at else None

    @property
    def by_label(self) -> str:
        return ConfirmedBy(self.by).label if self.by else ""

    @property
    def how_label(self) -> str:
        return ConfirmedHow(self.how).label if self.how else ""


REMINDER_LINK_MAX_AGE = timedelta(days=14)
REMINDER_INTERVAL = timedelta(days=30)


class FreshnessReminder(models.Model):
    """An e-mail asking a claimed clinic's staff to confirm their facts.

    Its "nothing has changed" link carries this row's id, signed (clinics/staff/services/reminders.py), and works once.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="freshness_reminders")
    sent_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["clinic", "-sent_at"], name="freshnessreminder_clinic_sent")]

    def __str__(self) -> str:
        return f"Reminder to {self.clinic_id} on {self.sent_at:%Y-%m-%d}"

    @property
    def closed_reason(self) -> str:
        """Why the link no longer works, or '' while it does."""
        if self.used_at:
            return "This link has already been used. Thank you: the listing was confirmed."
        if timezone.now() - self.sent_at > REMINDER_LINK_MAX_AGE:
            return "This link has expired. Sign in to confirm your listing from your dashboard."
        return ""
