"""Clinics, what they offer, and the reference data that search and guides share."""

import uuid
from collections.abc import Mapping
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from simple_history import register

STATE_VALIDATOR = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, e.g. TX.")
ZIP_VALIDATOR = RegexValidator(r"^[0-9]{5}$", "Use a five-digit ZIP code.")
VERIFIED_FRESH_FOR = timedelta(days=365)


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
        constraints = [
            models.CheckConstraint(condition=Q(latitude__range=(-90, 90)), name="place_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__range=(-180, 180)), name="place_longitude_range"),
        ]

    def __str__(self) -> str:
        return f"{self.zip_code} {self.city}, {self.state}"


class ClinicQuerySet(models.QuerySet):
    def published(self) -> "ClinicQuerySet":
        return self.filter(status=Clinic.Status.PUBLISHED)

    def editable_by(self, user) -> "ClinicQuerySet":
        """Clinics the user is a member of (owner or staff); none for anonymous users."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def owned_by(self, user) -> "ClinicQuerySet":
        """Clinics where the user is an owner, who may manage the clinic's members."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)


class Clinic(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, validators=[STATE_VALIDATOR])
    zip_code = models.CharField(max_length=5, validators=[ZIP_VALIDATOR])
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True, help_text="Public address; inquiries are sent here.")
    website = models.URLField(blank=True)
    hours = models.TextField(blank=True, help_text="One line per day or range, e.g. 'Mon-Fri 8am-5pm'.")

    medical_director = models.CharField(max_length=150, blank=True)
    medical_director_credentials = models.CharField(max_length=200, blank=True)
    first_visit = models.TextField(blank=True, help_text="What a first visit looks like at this clinic.")

    accepting_new_patients = models.BooleanField(default=True)
    offers_telehealth = models.BooleanField(default=False, help_text="Telehealth or at-home treatment.")
    offers_integration_therapy = models.BooleanField(default=False, help_text="KAP or other integration therapy.")
    offers_financing = models.BooleanField(default=False)
    offers_sliding_scale = models.BooleanField(default=False)
    offers_superbill = models.BooleanField(default=False)
    refers_to_clinical_trials = models.BooleanField(default=False)

    treatments = models.ManyToManyField(TreatmentType, through="ClinicTreatment", related_name="clinics")
    conditions = models.ManyToManyField(Condition, blank=True, related_name="clinics")
    insurance_carriers = models.ManyToManyField(InsuranceCarrier, blank=True, related_name="clinics")
    languages = models.ManyToManyField(Language, blank=True, related_name="clinics")

    last_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Kept current by PostgreSQL itself; name weighs most, then city, then description.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="english")
        + SearchVector("city", weight="B", config="english")
        + SearchVector("description", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["state", "city"], name="clinic_state_city"),
            # Searches near a place read only these columns of the clinics in the bounding box,
            # so the index answers them without visiting the wide table rows.
            models.Index(
                fields=["latitude", "longitude"],
                include=[
                    "id",
                    "accepting_new_patients",
                    "offers_telehealth",
                    "offers_integration_therapy",
                    "offers_financing",
                    "offers_sliding_scale",
                    "offers_superbill",
                    "last_verified_at",
                ],
                condition=Q(status="published"),
                name="clinic_published_coordinates",
            ),
            models.Index(fields=["status", "name"], name="clinic_status_name"),
            models.Index(fields=["last_verified_at"], name="clinic_last_verified"),
            GinIndex(fields=["search_vector"], name="clinic_search_vector"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__regex=r"^[A-Z]{2}$"), name="clinic_state_code"),
            models.CheckConstraint(condition=Q(zip_code__regex=r"^[0-9]{5}$"), name="clinic_zip_code"),
            models.CheckConstraint(condition=Q(latitude__range=(-90, 90)), name="clinic_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__range=(-180, 180)), name="clinic_longitude_range"),
            # /clinics/<two letters>/ is a state page, so no clinic may have a two-letter slug.
            models.CheckConstraint(condition=~Q(slug__regex=r"^[A-Za-z]{2}$"), name="clinic_slug_not_a_state_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clinics:detail", args=[self.slug])

    @property
    def verification_is_stale(self) -> bool:
        return self.last_verified_at is None or timezone.now() - self.last_verified_at > VERIFIED_FRESH_FOR

    @property
    def payment_options(self) -> list[str]:
        """The clinic's payment options in plain words."""
        options = [
            (self.offers_financing, "Financing or payment plans"),
            (self.offers_sliding_scale, "Sliding-scale fees"),
            (self.offers_superbill, "Superbills for out-of-network reimbursement"),
            (self.refers_to_clinical_trials, "Can point you to clinical trials"),
        ]
        return [label for offered, label in options if offered]


class ClinicTreatment(models.Model):
    """A clinic's offer of one treatment type, with its price per session in whole dollars."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinic_treatments")
    treatment_type = models.ForeignKey(TreatmentType, on_delete=models.PROTECT, related_name="offers")
    price_min = models.PositiveIntegerField(help_text="Lowest price per session, in dollars.")
    price_max = models.PositiveIntegerField(help_text="Highest price per session, in dollars.")
    bills_insurance = models.BooleanField(default=False, help_text="The clinic bills insurance for it.")
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["treatment_type__position"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "treatment_type"], name="clinictreatment_once_per_clinic"),
            models.CheckConstraint(condition=Q(price_min__gt=0), name="clinictreatment_price_positive"),
            models.CheckConstraint(
                condition=Q(price_min__lte=models.F("price_max")), name="clinictreatment_price_range"
            ),
        ]
        indexes = [models.Index(fields=["treatment_type", "price_min"], name="clinictreatment_type_price")]

    def __str__(self) -> str:
        return f"{self.treatment_type} at {self.clinic}"

    @property
    def first_course_estimate(self) -> tuple[int, int] | None:
        """The cost of a usual first course as a (low, high) range, or None with no fixed course."""
        sessions = self.treatment_type.course_sessions
        if not sessions:
            return None
        return self.price_min * sessions, self.price_max * sessions


# Clinic staff: memberships, claims, pending changes and page views.


class Membership(models.Model):
    """A user who may propose changes to a clinic's listing."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "role", "created_at"]
        constraints = [models.UniqueConstraint(fields=["clinic", "user"], name="membership_once_per_clinic")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.clinic}"


class Claim(models.Model):
    """A user's request to manage an existing listing."""

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", "Waiting for e-mail confirmation"
        PENDING = "pending", "Waiting for an editor"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    OPEN = [Status.AWAITING_EMAIL, Status.PENDING]

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_claims")
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True, max_length=1000, help_text="Who you are at the clinic, for the editor.")
    email = models.EmailField(blank=True, help_text="The address at the clinic's domain the link was sent to.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected; sent to the claimant.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "user"], condition=Q(status__in=["awaiting_email", "pending"]), name="claim_one_open"
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="claim_rejection_reason"),
        ]
        permissions = [("review_claim", "Can approve or reject claims")]

    def __str__(self) -> str:
        return f"Claim of {self.clinic} by {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self) -> "ChangeRequestQuerySet":
        return self.filter(status=ChangeRequest.Status.PENDING)

    def visible_to(self, user) -> "ChangeRequestQuerySet":
        """Changes to the clinics the user is a member of."""
        return self.filter(clinic__in=Clinic.objects.editable_by(user))


class ChangeRequest(models.Model):
    """Proposed listing values from a member, waiting for an editor; the public page keeps the old ones.

    `base` is the listing as the member saw it and `base_version` its `updated_at` then, so an
    editor (and the member) can see, field by field, what changed underneath the proposal.
    """

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        NEW_LISTING = "new", "New listing"
        CONFIRMATION = "confirm", "Details confirmed"  # nothing changes; approving re-verifies

    class Status(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.EDIT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed = models.JSONField(help_text="The listing's values as proposed.")
    base = models.JSONField(help_text="The listing's values when the member started editing.")
    base_version = models.DateTimeField(help_text="The listing's 'updated' time when the member started editing.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="proposed_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviewed_changes"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected; sent to the member.")

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "proposed_by"], condition=Q(status="pending"), name="changerequest_one_pending"
            ),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""), name="changerequest_reason"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="changerequest_queue")]
        permissions = [("review_changerequest", "Can approve or reject listing changes")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.clinic} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("owner:change_detail", args=[self.clinic.slug, self.pk])


class ClinicPageViews(models.Model):
    """Page views of a clinic per day: one counter row, not one row per view."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic", "day"], name="clinicpageviews_once_a_day")]

    def __str__(self) -> str:
        return f"{self.clinic_id} on {self.day}: {self.views}"

    @classmethod
    def add(cls, views: Mapping[tuple[str, date], int]) -> None:
        """Add views counted by clinic slug and day, all in one upsert; safe under concurrency.

        Slugs of clinics that no longer exist are left out.
        """
        slugs, days, counts = zip(*((slug, day, count) for (slug, day), count in views.items()), strict=True)
        table = cls._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (clinic_id, day, views) "  # noqa: S608 - fixed SQL, values are parameters
                "SELECT clinic.id, counted.day, counted.views "
                "FROM unnest(%s::text[], %s::date[], %s::integer[]) AS counted (slug, day, views) "
                f"JOIN {Clinic._meta.db_table} AS clinic ON clinic.slug = counted.slug "
                f"ON CONFLICT (clinic_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views",
                [list(slugs), list(days), list(counts)],
            )


def _image_path(photo: "ClinicPhoto", filename: str) -> str:
    """An unguessable name: a photo's file is not public until its change is approved."""
    return f"clinics/{photo.clinic_id}/{uuid.uuid4().hex}.webp"


class ClinicPhotoQuerySet(models.QuerySet):
    def public(self) -> "ClinicPhotoQuerySet":
        return self.filter(status=ClinicPhoto.Status.PUBLIC)


class ClinicPhoto(models.Model):
    """A clinic's logo or photo, re-encoded on upload; shown on the public page once approved."""

    MAX_PHOTOS = 8

    class Kind(models.TextChoices):
        LOGO = "logo", "Logo"
        PHOTO = "photo", "Photo"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        PUBLIC = "public", "Public"
        REMOVED = "removed", "Removed"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PHOTO)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    image = models.ImageField(upload_to=_image_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClinicPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["clinic", "kind", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], condition=Q(kind="logo", status="public"), name="photo_one_logo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.clinic_id}"


INQUIRY_MESSAGE_MAX_LENGTH = 2000


class InquiryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InquiryQuerySet":
        """Inquiries to clinics the user is a member of."""
        return self.filter(clinic__in=Clinic.objects.editable_by(user).values("pk"))


class Inquiry(models.Model):
    """A patient's message to a clinic. Health information: never logged, purged after retention."""

    class Delivery(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent by e-mail"
        FAILED = "failed", "Gave up after several tries"
        NO_ADDRESS = "no_address", "Clinic has no e-mail address; dashboard only"

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
        indexes = [models.Index(fields=["clinic", "-created_at"], name="inquiry_clinic_newest")]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="inquiry_has_contact"),
            models.CheckConstraint(condition=Q(consent=True), name="inquiry_has_consent"),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("message"), INQUIRY_MESSAGE_MAX_LENGTH)) & ~Q(message=""),
                name="inquiry_message_length",
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


# Every saved version of a listing and its treatments, with who saved it (the approving editor).
register(
    Clinic,
    excluded_fields=["search_vector", "updated_at"],
    m2m_fields=["conditions", "insurance_carriers", "languages"],
)
register(ClinicTreatment)


class QueuedEmail(models.Model):
    """An e-mail to a staff member or account holder that has not gone out yet.

    Notifications and account e-mails are stored here first and deleted once sent, so a mail
    server outage delays them instead of losing them; `send_queued_mail` retries. Patient
    inquiries never come here: their health information stays in Inquiry, which is purged.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        FAILED = "failed", "Gave up after several tries"

    to = ArrayField(models.EmailField())
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="queuedemail_status_age")]

    def __str__(self) -> str:
        return self.subject
