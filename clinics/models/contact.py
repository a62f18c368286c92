"""What reaches people: patient inquiries and reports of wrong listings."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from clinics.models.listings import Clinic

INQUIRY_MESSAGE_MAX_LENGTH = 2000


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InquiryQuerySet":
        """Inquiries to clinics the user is a member of, except those held for an editor's review."""
        return self.filter(clinic__in=Clinic.objects.editable_by(user).values("pk")).exclude(
            delivery=Inquiry.Delivery.HELD
        )


class Inquiry(models.Model):
    """A patient's message to a clinic. Health information: never logged, purged after retention."""

    class Delivery(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent by e-mail"
        FAILED = "failed", "Gave up after several tries"
        NO_ADDRESS = "no_address", "Clinic has no e-mail address; dashboard only"
        # Past the per-clinic limit (a flood from many addresses): an editor releases or deletes them.
        HELD = "held", "Held for review"

    MESSAGE_MAX_LENGTH = INQUIRY_MESSAGE_MAX_LENGTH

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="inquiries")
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    consent = models.BooleanField()
    # One per rendered form, so a double submit stores one inquiry.
    submission_token = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.PENDING)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        permissions = [("review_inquiry", "Can release inquiries held for review")]
        indexes = [models.Index(fields=["clinic", "-created_at"], name="inquiry_clinic_newest")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""),
                name="inquiry_has_contact",
                violation_error_message="Give an e-mail address or a phone number so the clinic can reply.",
            ),
            models.CheckConstraint(
                condition=Q(consent=True),
                name="inquiry_has_consent",
                violation_error_message="Please tick the box so we may pass your message to the clinic.",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("message"), INQUIRY_MESSAGE_MAX_LENGTH)) & ~Q(message=""),
                name="inquiry_message_length",
                violation_error_message=f"Write a message of up to {INQUIRY_MESSAGE_MAX_LENGTH} characters.",
            ),
        ]

    def __str__(self) -> str:
        return f"Inquiry {self.pk} to {self.clinic}"


class ListingReport(models.Model):
    """A visitor's note that something on a clinic's page is wrong, for editors to check."""

    class Part(models.TextChoices):
        PRICE = "price", "A price is wrong"
        INSURANCE = "insurance", "Insurance or payment details are wrong"
        CLOSED = "closed", "The clinic has closed or moved"
        CONTACT = "contact", "Phone, website or address is wrong"
        OTHER = "other", "Something else"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="reports")
    part = models.CharField(max_length=12, choices=Part.choices)
    note = models.TextField(max_length=1000)
    reporter_email = models.EmailField(blank=True, help_text="Optional, if the editors may ask a question.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resolved_at", "-created_at"], name="report_open_newest")]

    def __str__(self) -> str:
        return f"{self.get_part_display()} - {self.clinic}"
