"""The reference data that listings, search and guides share: treatment types, conditions, insurance
carriers, languages, and the US places (ZIP codes) that serve as the offline geocoder.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

STATE_VALIDATOR = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, e.g. TX.")
ZIP_VALIDATOR = RegexValidator(r"^[0-9]{5}$", "Use a five-digit ZIP code.")


def coordinates_in_range(prefix: str) -> list[models.CheckConstraint]:
    """The database's own check that a row's latitude and longitude are coordinates on Earth."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__range=(-90, 90)),
            name=f"{prefix}_latitude_range",
            violation_error_message="Latitude must be between -90 and 90.",
        ),
        models.CheckConstraint(
            condition=Q(longitude__range=(-180, 180)),
            name=f"{prefix}_longitude_range",
            violation_error_message="Longitude must be between -180 and 180.",
        ),
    ]


class TreatmentType(models.Model):
    """A way of giving ketamine, with its usual protocol (reference data)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    short_name = models.CharField(max_length=30, help_text="Used on cards and filters, e.g. 'IV'.")
    how_given = models.TextField()
    summary = models.TextField(help_text="One or two plain sentences for patients.")
    course_sessions = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Sessions in a usual first course; empty when there is no fixed course.",
    )
    course_schedule = models.CharField(max_length=200)
    session_minutes_min = models.PositiveSmallIntegerField()
    session_minutes_max = models.PositiveSmallIntegerField()
    notes = models.TextField(blank=True)
    fda_approved = models.BooleanField(default=False)
    usually_insured = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session_minutes_min__gt=0) & Q(session_minutes_min__lte=models.F("session_minutes_max")),
                name="treatmenttype_session_minutes_range",
                violation_error_message="The shortest session must be a minute or more and no longer than the longest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Condition(models.Model):
    """A condition clinics treat with ketamine (reference data)."""

    class Group(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health"
        CHRONIC_PAIN = "chronic_pain", "Chronic pain"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    group = models.CharField(max_length=20, choices=Group.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class InsuranceCarrier(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    name = models.CharField(max_length=60, unique=True)
    code = models.CharField(max_length=8, unique=True, help_text="ISO 639-1 code, e.g. 'es'.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A US ZIP code with its city, state and coordinates; the offline geocoder."""

    zip_code = models.CharField(max_length=5, primary_key=True, validators=[ZIP_VALIDATOR])
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, validators=[STATE_VALIDATOR])
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["zip_code"]
        indexes = [
            models.Index(fields=["state", "city"], name="place_state_city"),
            models.Index(models.functions.Upper("city"), name="place_upper_city"),
        ]
        constraints = coordinates_in_range("place")

    def __str__(self) -> str:
        return f"{self.zip_code} {self.city}, {self.state}"
