"""Clinics, what they offer, their photos and page views, and the reference data that search and guides share."""

import re
import uuid
from collections.abc import Mapping
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from simple_history import register

from clinics.models.freshness import (
    CLINIC_FACT_GROUPS,
    FACT_GROUPS,
    Confirmation,
    ConfirmedBy,
    ConfirmedHow,
)

STATE_VALIDATOR = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter state code, e.g. TX.")
ZIP_VALIDATOR = RegexValidator(r"^[0-9]{5}$", "Use a five-digit ZIP code.")
# Degrees that earn the title "Dr." on this site; a nurse anesthetist (CRNA) or nurse practitioner does not.
DOCTORAL_DEGREES = {"MD", "DO", "PHD"}
LEADING_DR = re.compile(r"^\s*dr\.?\s+", re.IGNORECASE)


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
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__range=(-90, 90)),
                name="place_latitude_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__range=(-180, 180)),
                name="place_longitude_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
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
        from clinics.models.staff import Membership  # staff.py builds on this module

        return self.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)

    def for_cards(self) -> "ClinicQuerySet":
        """With what a clinic card shows (includes/clinic_card.html), fetched for a whole list in three queries.

        The logo's thumbnail comes with the clinic's own row (`logo_thumbnail`), so logos cost no query.
        """
        logo = ClinicPhoto.objects.public().filter(clinic=OuterRef("pk"), kind=ClinicPhoto.Kind.LOGO)
        return self.prefetch_related(offers_with_details(), "conditions").annotate(
            logo_thumbnail=Subquery(logo.values("thumbnail")[:1])
        )


    def with_facts_due(self, within: timedelta = timedelta(0)) -> "ClinicQuerySet":
        """Clinics with a decision fact never confirmed, or past its limit (or within `within` of it)."""
        now = timezone.now() + within
        due = Q(facts_confirmed_at__isnull=True)
        for group in CLINIC_FACT_GROUPS:
            due |= Q(**{f"{group}_confirmed_at__lt": now - FACT_GROUPS[group].stale_after})
        stale_offers = ClinicTreatment.objects.filter(
            clinic=OuterRef("pk"), confirmed_at__lt=now - FACT_GROUPS["prices"].stale_after
        )
        return self.filter(due | Q(Exists(stale_offers)))

    def refresh_facts_confirmed_at(self) -> int:
        """Store each clinic's oldest confirmation date (empty while a fact was never confirmed), in one UPDATE."""
        offers = ClinicTreatment.objects.filter(clinic=OuterRef("pk"))
        oldest_offer = Subquery(offers.order_by("confirmed_at").values("confirmed_at")[:1])
        never = Q(Exists(offers.filter(confirmed_at__isnull=True)))
        for group in CLINIC_FACT_GROUPS:
            never |= Q(**{f"{group}_confirmed_at__isnull": True})
        dates = [F(f"{group}_confirmed_at") for group in CLINIC_FACT_GROUPS]
        stalest = Case(When(never, then=None), default=Least(*dates, Coalesce(oldest_offer, dates[0])))
        return self.update(facts_confirmed_at=stalest)


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of the other nine behind the NPI prefix 80840."""
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    total = 0
    for position, digit in enumerate(reversed("80840" + npi)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_npi(value: str) -> None:
    if not npi_is_valid(value):
        raise ValidationError("An NPI is ten digits with a valid check digit; check it in the NPI registry.")


class MonitoredBy(models.TextChoices):
    ANESTHESIOLOGIST = "anesthesiologist", "An anesthesiologist"
    PHYSICIAN = "physician", "A psychiatrist or other physician"
    NURSE_ANESTHETIST = "nurse_anesthetist", "A nurse anesthetist (CRNA)"
    NURSE_PRACTITIONER = "nurse_practitioner", "A nurse practitioner"
    REGISTERED_NURSE = "registered_nurse", "A registered nurse"


# "Monitored by a physician or nurse anesthetist" in the search.
MONITORED_BY_PHYSICIAN_OR_CRNA = [MonitoredBy.ANESTHESIOLOGIST, MonitoredBy.PHYSICIAN, MonitoredBy.NURSE_ANESTHETIST]


class Clinic(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    class Source(models.TextChoices):
        CLINIC = "clinic", "Submitted by the clinic"
        EDITOR = "editor", "Researched by an editor"
        IMPORT = "import", "Imported"

    class LocationPrecision(models.TextChoices):
        EXACT = "exact", "Street address"
        ZIP_AREA = "zip", "ZIP area"

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
    location_precision = models.CharField(
        max_length=5,
        choices=LocationPrecision.choices,
        default=LocationPrecision.EXACT,
        help_text="ZIP area when only the ZIP code's center is known: distances are then approximate.",
    )

    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True, help_text="Public address; inquiries are sent here.")
    website = models.URLField(blank=True)
    hours = models.TextField(blank=True, help_text="One line per day or range, e.g. 'Mon-Fri 8am-5pm'.")

    medical_director = models.CharField(max_length=150, blank=True)
    medical_director_credentials = models.CharField(max_length=200, blank=True)
    medical_director_npi = models.CharField(
        "medical director's NPI", max_length=10, blank=True, validators=[validate_npi]
    )
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
    languages = models.ManyToManyField(Language, blank=True, related_name="clinics")

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.EDITOR)
    source_name = models.CharField(
        max_length=100, blank=True, help_text="For an imported listing: the list or partner it came from."
    )
    source_date = models.DateField(
        default=timezone.localdate, help_text="When the listing was submitted, compiled or imported."
    )
    external_id = models.CharField(max_length=100, blank=True, help_text="The listing's id in its imported source.")


    # Safety facts patients ask about.
    spravato_rems_certified = models.BooleanField(
        "REMS-certified for Spravato",
        default=False,
        help_text="The center is certified under the Spravato REMS program to give esketamine.",
    )
    session_monitored_by = models.CharField(
        "who watches patients during a session",
        max_length=20,
        choices=MonitoredBy.choices,
        blank=True,
        help_text="The most highly trained person who watches patients during a session; empty when unknown.",
    )
    observation_minutes = models.PositiveSmallIntegerField(
        "usual observation time after a session (minutes)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(24 * 60)],
    )

    # When each decision fact was last confirmed, by whom and how (clinics/models/freshness.py);
    # prices and insurance carry their own on each offer.
    accepting_confirmed_at = models.DateTimeField(null=True, blank=True)
    accepting_confirmed_by = models.CharField(max_length=10, choices=ConfirmedBy.choices, blank=True)
    accepting_confirmed_how = models.CharField(max_length=10, choices=ConfirmedHow.choices, blank=True)
    hours_confirmed_at = models.DateTimeField(null=True, blank=True)
    hours_confirmed_by = models.CharField(max_length=10, choices=ConfirmedBy.choices, blank=True)
    hours_confirmed_how = models.CharField(max_length=10, choices=ConfirmedHow.choices, blank=True)
    telehealth_confirmed_at = models.DateTimeField(null=True, blank=True)
    telehealth_confirmed_by = models.CharField(max_length=10, choices=ConfirmedBy.choices, blank=True)
    telehealth_confirmed_how = models.CharField(max_length=10, choices=ConfirmedHow.choices, blank=True)
    # The oldest of those dates (empty while any fact was never confirmed), kept by
    # ClinicQuerySet.refresh_facts_confirmed_at() for search, sorting and the verification queue.
    facts_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
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
                    "facts_confirmed_at",
                    "spravato_rems_certified",
                    "session_monitored_by",
                ],
                condition=Q(status="published"),
                name="clinic_published_coordinates",
            ),
            models.Index(fields=["status", "name"], name="clinic_status_name"),
            models.Index(fields=["facts_confirmed_at"], name="clinic_facts_confirmed"),
            GinIndex(fields=["search_vector"], name="clinic_search_vector"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__regex=r"^[A-Z]{2}$"),
                name="clinic_state_code",
                violation_error_message="Give the state as its two-letter code, such as TX.",
            ),
            models.CheckConstraint(
                condition=Q(zip_code__regex=r"^[0-9]{5}$"),
                name="clinic_zip_code",
                violation_error_message="Give the ZIP code as five digits.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__range=(-90, 90)),
                name="clinic_latitude_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__range=(-180, 180)),
                name="clinic_longitude_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
            models.UniqueConstraint(
                fields=["source_name", "external_id"],
                condition=~Q(external_id=""),
                name="clinic_source_external_id",
                violation_error_message="Another listing has this id in the same source.",
            ),
            # /clinics/<two letters>/ is a state page, so no clinic may have a two-letter slug.
            models.CheckConstraint(
                condition=~Q(slug__regex=r"^[A-Za-z]{2}$"),
                name="clinic_slug_not_a_state_code",
                violation_error_message="The web address needs more than two letters; two letters name a state.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clinics:detail", args=[self.slug])

    def confirmation(self, group: str) -> Confirmation:
        """The last confirmation of one of the clinic's own fact groups (accepting, hours, telehealth)."""
        return Confirmation(
            FACT_GROUPS[group],
            getattr(self, f"{group}_confirmed_at"),
            getattr(self, f"{group}_confirmed_by"),
            getattr(self, f"{group}_confirmed_how"),
        )

    @property
    def card_logo_url(self) -> str:
        """The logo's thumbnail for a card, from `for_cards()`; empty without a logo."""
        name = getattr(self, "logo_thumbnail", None)
        return default_storage.url(name) if name else ""

    def confirmed_facts(self) -> dict[str, Confirmation]:
        """The clinic's own fact groups' confirmations by key, for templates: confirmed_facts.hours."""
        return {group: self.confirmation(group) for group in CLINIC_FACT_GROUPS}

    def confirmations(self) -> list[Confirmation]:
        """Every decision fact's last confirmation: the clinic's own groups, then each offer's prices (prefetched)."""
        return [self.confirmation(group) for group in CLINIC_FACT_GROUPS] + [
            offer.confirmation for offer in self.clinic_treatments.all()
        ]

    @property
    def stalest_confirmation(self) -> Confirmation:
        """The decision fact confirmed longest ago (never confirmed counts as oldest), or the most overdue one."""
        return min(self.confirmations(), key=lambda c: (c.at is not None, c.at or timezone.now()))

    @property
    def has_stale_facts(self) -> bool:
        return any(confirmation.stale for confirmation in self.confirmations())

    def set_confirmed(self, group: str, *, at, by: str, how: str) -> None:
        """Record a confirmation of one of the clinic's own fact groups (saved by the caller)."""
        setattr(self, f"{group}_confirmed_at", at)
        setattr(self, f"{group}_confirmed_by", by)
        setattr(self, f"{group}_confirmed_how", how)

    @property
    def location_is_approximate(self) -> bool:
        return self.location_precision == self.LocationPrecision.ZIP_AREA

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

    @property
    def medical_director_name(self) -> str:
        """The medical director's name without any title typed before it."""
        return LEADING_DR.sub("", self.medical_director).strip()

    @property
    def medical_director_is_doctor(self) -> bool:
        """True with an MD, DO or PhD among the credentials ("M.D." and "Ph.D." too; "do" in a sentence is not a DO)."""
        words = re.split(r"[\s,;/()]+", self.medical_director_credentials.replace(".", ""))
        return any((word if word.upper() == "DO" else word.upper()) in DOCTORAL_DEGREES for word in words)

    @property
    def medical_director_display(self) -> str:
        """As patients read it: "Dr. Jane Roe, MD" but "Sam Poe, CRNA", whatever title was typed."""
        name = self.medical_director_name
        if not name:
            return ""
        if self.medical_director_is_doctor:
            name = f"Dr. {name}"
        credentials = self.medical_director_credentials.strip()
        return f"{name}, {credentials}" if credentials else name


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

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinic_treatments")
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
    """A clinic's offers with their treatment type and carriers, for cards and pages (two queries)."""
    return Prefetch(
        "clinic_treatments",
        queryset=ClinicTreatment.objects.select_related("treatment_type").prefetch_related("carriers"),
    )


class ClinicPageViews(models.Model):
    """Page views of a clinic per day: one counter row, not one row per view."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "day"],
                name="clinicpageviews_once_a_day",
                violation_error_message="This clinic already has a count for this day.",
            )
        ]

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
                fields=["clinic"],
                condition=Q(kind="logo", status="public"),
                name="photo_one_logo",
                violation_error_message="This clinic already has a logo. Remove it before adding another.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of {self.clinic_id}"


# Every saved version of a listing and its treatments, with who saved it (the approving editor).
register(
    Clinic,
    excluded_fields=["search_vector", "updated_at", "facts_confirmed_at"],
    m2m_fields=["conditions", "languages"],
)
register(ClinicTreatment, m2m_fields=["carriers"])
