"""What a clinic offers: one row per treatment type, with its self-pay price, its unit and who pays for it."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import OuterRef, Prefetch, Q
from simple_history import register

from clinics.models.freshness import FACT_GROUPS, Confirmation, ConfirmedBy, ConfirmedHow
from clinics.models.reference import InsuranceCarrier, TreatmentType


class ClinicTreatment(models.Model):
    """A clinic's offer of one treatment type: its price in its own unit, and who pays for it.

    Insurance is a fact of the offer, not of the clinic: a clinic may bill Aetna for Spravato
    and take only self-pay for IV. The price is what a self-paying patient pays.
    """

    class PriceUnit(models.TextChoices):
        SESSION = "session", "per session"
        MONTH = "month", "per month"
        PRESCRIPTION = "prescription", "per prescription"
        COURSE = "course", "per course"

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="clinic_treatments")
    treatment_type = models.ForeignKey(TreatmentType, on_delete=models.PROTECT, related_name="offers")
    price_min = models.PositiveIntegerField(help_text="Lowest self-pay price, in dollars, in the price unit.")
    price_max = models.PositiveIntegerField(help_text="Highest self-pay price, in dollars, in the price unit.")
    price_unit = models.CharField(max_length=12, choices=PriceUnit.choices, default=PriceUnit.SESSION)
    course_sessions = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Sessions in this clinic's first course; empty to use the treatment's usual course.",
    )
    bills_insurance = models.BooleanField(default=False, help_text="The clinic bills insurance for this treatment.")
    carriers = models.ManyToManyField(
        InsuranceCarrier,
        blank=True,
        related_name="offers",
        help_text="Carriers the clinic bills for this treatment; only when it bills insurance for it.",
    )
    notes = models.CharField(max_length=300, blank=True)
    # When its price and insurance were last confirmed, by whom and how (clinics/models/freshness.py).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=10, choices=ConfirmedBy.choices, blank=True)
    confirmed_how = models.CharField(max_length=10, choices=ConfirmedHow.choices, blank=True)

    class Meta:
        ordering = ["treatment_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "treatment_type"],
                name="clinictreatment_once_per_clinic",
                violation_error_message="This treatment is already listed for the clinic.",
            ),
            models.CheckConstraint(
                condition=Q(price_min__gt=0),
                name="clinictreatment_price_positive",
                violation_error_message="A price must be more than $0.",
            ),
            models.CheckConstraint(
                condition=Q(price_min__lte=models.F("price_max")),
                name="clinictreatment_price_range",
                violation_error_message="The highest price cannot be below the lowest.",
            ),
            models.CheckConstraint(
                condition=Q(course_sessions__isnull=True) | Q(course_sessions__gte=1),
                name="clinictreatment_course_sessions_positive",
                violation_error_message="A course has at least one session.",
            ),
        ]
        indexes = [models.Index(fields=["treatment_type", "price_min"], name="clinictreatment_type_price")]

    def __str__(self) -> str:
        return f"{self.treatment_type} at {self.clinic}"

    @property
    def confirmation(self) -> Confirmation:
        return Confirmation(FACT_GROUPS["prices"], self.confirmed_at, self.confirmed_by, self.confirmed_how)

    def set_confirmed(self, *, at, by: str, how: str) -> None:
        self.confirmed_at, self.confirmed_by, self.confirmed_how = at, by, how

    @property
    def per_session(self) -> bool:
        return self.price_unit == self.PriceUnit.SESSION

    @property
    def sessions_in_course(self) -> int | None:
        """The clinic's own course length, else the treatment's usual one; None when neither is set."""
        return self.course_sessions or self.treatment_type.course_sessions

    @property
    def first_course_estimate(self) -> tuple[int, int, int] | None:
        """(low, high, sessions) for a first course, only for a per-session price with a known course length."""
        sessions = self.sessions_in_course
        if not self.per_session or not sessions:
            return None
        return self.price_min * sessions, self.price_max * sessions, sessions


def offers_with_details() -> Prefetch:
    """A clinic's offers with their treatment type and the carriers each bills, for cards and pages, in
    one query: the carriers' names and slugs come as arrays, `billed_carrier_names` (A to Z) and
    `billed_carrier_slugs`. Prefetching the carriers as objects took a second query and, for a page
    of twenty cards, longer than everything else the cards read."""
    carriers = InsuranceCarrier.objects.filter(offers=OuterRef("pk")).order_by("name")
    return Prefetch(
        "clinic_treatments",
        queryset=ClinicTreatment.objects.select_related("treatment_type").annotate(
            billed_carrier_names=ArraySubquery(carriers.values("name")),
            billed_carrier_slugs=ArraySubquery(carriers.values("slug")),
        ),
    )


# Every saved version of an offer, with who saved it (the approving editor).
register(ClinicTreatment, m2m_fields=["carriers"])
