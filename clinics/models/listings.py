"""Clinics (the listings): their fields, the facts patients decide on, and how lists of them are queried."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
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
from clinics.models.offers import ClinicTreatment, offers_with_details
from clinics.models.photos import ClinicPhoto
from clinics.models.reference import (
    STATE_VALIDATOR,
    ZIP_VALIDATOR,
    Condition,
    Language,
    TreatmentType,
    coordinates_in_range,
)

# Degrees that earn the title "Dr." on this site; a nurse anesthetist (CRNA) or nurse practitioner does not.
DOCTORAL_DEGREES = {"MD", "DO", "PHD"}
LEADING_DR = re.compile(r"^\s*dr\.?\s+", re.IGNORECASE)


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
        """With what a clinic card shows (includes/clinic_card.html), fetched for a whole list in two queries.

        The logo's thumbnail (`logo_thumbnail`) and the names of the conditions treated
        (`condition_names`, in the order of Condition) come with the clinic's own row.
        """
        logo = ClinicPhoto.objects.public().filter(clinic=OuterRef("pk"), kind=ClinicPhoto.Kind.LOGO)
        conditions = Condition.objects.filter(clinics=OuterRef("pk")).order_by(*Condition._meta.ordering)
        return self.prefetch_related(offers_with_details()).annotate(
            logo_thumbnail=Subquery(logo.values("thumbnail")[:1]),
            condition_names=ArraySubquery(conditions.values("name")),
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


def website_domain(url: str) -> str:
    """The host of a website address without a leading www. (hosts are lower case); '' for none."""
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


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
            # Searches near a place read the covering index clinic_published_reach, made in migration
            # 0022 with the search columns the database keeps (see clinics/search_columns.py) and
            # led by the whole degree of latitude in 0027; 0023 indexes the elements of four of those columns,
            # 0025 the clinics with a telehealth option by state.
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
            *coordinates_in_range("clinic"),
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

    @property
    def website_domain(self) -> str:
        return website_domain(self.website)

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
        """The decision fact confirmed longest ago (never confirmed counts as oldest). Another fact, with a
        shorter limit, can be overdue before it: ask `has_stale_facts` whether any is."""
        return min(self.confirmations(), key=lambda c: (c.at is not None, c.at or timezone.now()))

    @property
    def facts_stale_from(self) -> datetime | None:
        """When its first decision fact goes past its limit; None while one was never confirmed."""
        due = [confirmation.due_at for confirmation in self.confirmations()]
        return None if None in due else min(due)

    @property
    def has_stale_facts(self) -> bool:
        stale_from = self.facts_stale_from
        return stale_from is None or stale_from < timezone.now()

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


# Every saved version of a listing, with who saved it (the approving editor).
register(
    Clinic,
    excluded_fields=["search_vector", "updated_at", "facts_confirmed_at"],
    m2m_fields=["conditions", "languages"],
)
