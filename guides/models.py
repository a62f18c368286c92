"""Patient guides: Markdown articles written by editors, linked to clinics through shared topics."""

import math
from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone

from clinics.models import Clinic, ClinicTreatment, Condition, TreatmentType
from guides.rendering import RenderedBody, render_markdown

WORDS_PER_MINUTE = 200

Topic = TreatmentType | Condition
RELATED_GUIDES = 3  # how many related guides a guide or a clinic page shows


class GuideQuerySet(models.QuerySet):
    def published(self) -> "GuideQuerySet":
        """Guides the public may read: published, and their publish time has come."""
        return self.filter(status=Guide.Status.PUBLISHED, publish_at__lte=timezone.now())

    def next_going_live(self) -> datetime | None:
        """When the next guide scheduled for later goes live, if one is."""
        scheduled = self.filter(status=Guide.Status.PUBLISHED, publish_at__gt=timezone.now())
        return scheduled.aggregate(at=Min("publish_at"))["at"]

    def viewable_by(self, user: AbstractBaseUser | AnonymousUser) -> "GuideQuerySet":
        """Published guides, or every guide for staff who may view guides (the preview override)."""
        if user.is_staff and user.has_perm("guides.view_guide"):
            return self.all()
        return self.published()

    def about(self, *topics: Topic) -> "GuideQuerySet":
        """Guides about any of the given treatment types or conditions."""
        treatment_ids = [topic.pk for topic in topics if isinstance(topic, TreatmentType)]
        condition_ids = [topic.pk for topic in topics if isinstance(topic, Condition)]
        if not treatment_ids and not condition_ids:
            return self.none()
        return self.filter(
            Q(pk__in=Guide.treatment_types.through.objects.filter(treatmenttype__in=treatment_ids).values("guide"))
            | Q(pk__in=Guide.conditions.through.objects.filter(condition__in=condition_ids).values("guide"))
        )


class Guide(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences; shown on cards and as the search-engine description."
    )
    body = models.TextField(help_text="Markdown. Start sections with ## headings; they make the table of contents.")

    hero_image = models.ImageField(
        upload_to="guides/%Y/", blank=True, width_field="hero_image_width", height_field="hero_image_height"
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField(
        max_length=200, blank=True, help_text="What the image shows, for people who cannot see it."
    )

    author_name = models.CharField(max_length=120)
    author_credentials = models.CharField(max_length=120, blank=True, help_text="e.g. 'MPH, health writer'.")
    reviewer_name = models.CharField("medical reviewer", max_length=120)
    reviewer_credentials = models.CharField(
        "reviewer credentials", max_length=120, help_text="e.g. 'MD, board-certified psychiatrist'."
    )
    reviewed_on = models.DateField("medically reviewed on", null=True, blank=True)

    treatment_types = models.ManyToManyField(TreatmentType, blank=True, related_name="guides")
    conditions = models.ManyToManyField(Condition, blank=True, related_name="guides")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a published guide goes live. A future time schedules it; empty means now.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Rendered from `body` on every save, so pages never render Markdown per request.
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = [models.F("publish_at").desc(nulls_first=True), "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="guide_status_publish_at")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="guide_published_has_publish_time",
                violation_error_message="A published guide needs a publish time.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        rendered = render_markdown(self.body)
        self.body_html = rendered.html
        self.toc = [asdict(entry) for entry in rendered.toc]
        self.reading_minutes = max(1, math.ceil(len(self.body.split()) / WORDS_PER_MINUTE))
        self._default_publish_time()
        if self.status == self.Status.PUBLISHED:
            # Fixed once the guide has gone live; follows a rescheduled time until then.
            if self.first_published_at is None or self.first_published_at > timezone.now():
                self.first_published_at = self.publish_at
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("guides:detail", args=[self.slug])

    def clean(self) -> None:
        self._default_publish_time()
        if self.hero_image and not self.hero_image_alt:
            raise ValidationError({"hero_image_alt": "Describe the image for people who cannot see it."})

    def _default_publish_time(self) -> None:
        """A guide published without a time goes live now."""
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()

    @property
    def is_live(self) -> bool:
        published = self.status == self.Status.PUBLISHED
        return published and self.publish_at is not None and self.publish_at <= timezone.now()

    @property
    def was_updated_after_publishing(self) -> bool:
        return self.first_published_at is not None and self.updated_at.date() > self.first_published_at.date()

    def publish_now(self) -> None:
        """Publish at once; a guide that is already live keeps its publish time."""
        if not self.is_live:
            self.status = self.Status.PUBLISHED
            self.publish_at = timezone.now()
            self.save()

    def unpublish(self) -> None:
        self.status = self.Status.DRAFT
        self.save()

    def topics(self) -> list[Topic]:
        return [*self.treatment_types.all(), *self.conditions.all()]

    @property
    def is_about_spravato(self) -> bool:
        return any(treatment.slug == "spravato" for treatment in self.treatment_types.all())

    def related_clinics(self) -> models.QuerySet[Clinic]:
        """Published clinics that offer one of the guide's treatments and, if it is also about conditions,
        treat one of them (for a guide about conditions only: treat one), most recently confirmed first."""
        treatment_ids = [t.pk for t in self.treatment_types.all()]
        condition_ids = [c.pk for c in self.conditions.all()]
        if not treatment_ids and not condition_ids:
            return Clinic.objects.none()
        clinics = Clinic.objects.published()
        if treatment_ids:
            clinics = clinics.filter(
                pk__in=ClinicTreatment.objects.filter(treatment_type__in=treatment_ids).values("clinic")
            )
        if condition_ids:
            clinics = clinics.filter(
                pk__in=Clinic.conditions.through.objects.filter(condition__in=condition_ids).values("clinic")
            )
        return clinics.order_by(models.F("facts_confirmed_at").desc(nulls_last=True), "name")

    def related_clinics_reason(self) -> str:
        """The line saying why the guide's clinics are shown, such as 'These clinics offer Spravato and treat PTSD.'"""
        treatments = _either([t.short_name for t in self.treatment_types.all()])
        conditions = _either([_in_a_sentence(c.name) for c in self.conditions.all()])
        if treatments and conditions:
            return f"These clinics offer {treatments} and treat {conditions}."
        if treatments:
            return f"These clinics offer {treatments}."
        if conditions:
            return f"These clinics treat {conditions}."
        return ""

    def related_guides(self) -> GuideQuerySet:
        """Published guides on this one's topics; pages show the first RELATED_GUIDES."""
        return Guide.objects.published().about(*self.topics()).exclude(pk=self.pk)


def _either(names: list[str]) -> str:
    """Names joined for a sentence: "IV", "IV or IM", "IV, IM or Spravato"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _in_a_sentence(name: str) -> str:
    """ "Treatment-resistant depression" as it reads mid-sentence; "PTSD" and "OCD" stay as they are."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


class SitePage(models.Model):
    """One of the pages every health site owes its readers (about, privacy, terms...), its text kept by editors.

    The set of pages is fixed (a migration makes them and the footer links to each), so editors change
    their text but cannot add or delete one. In the body, {inquiry_retention_days} and {contact_email}
    are filled in from the settings, so the privacy policy never disagrees with what the site does.
    """

    class Slug(models.TextChoices):
        ABOUT = "about", "About"
        HOW_WE_VERIFY = "how-we-verify", "How we verify listings"
        EDITORIAL_POLICY = "editorial-policy", "Editorial policy"
        PRIVACY = "privacy", "Privacy policy"
        TERMS = "terms", "Terms of use"
        CONTACT = "contact", "Contact"

    slug = models.SlugField(max_length=40, unique=True, choices=Slug.choices)
    title = models.CharField(max_length=120)
    description = models.CharField(
        max_length=300, help_text="One or two sentences; shown to search engines and in link previews."
    )
    body = models.TextField(
        help_text=(
            "Markdown. Write {inquiry_retention_days} for the number of days patient messages are kept and "
            "{contact_email} for the site's contact address; both are filled in from the site's settings."
        )
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(f"pages:{self.slug}")

    def render(self) -> RenderedBody:
        """The body with the settings filled in, as sanitised HTML with its table of contents."""
        text = self.body.replace("{inquiry_retention_days}", str(settings.INQUIRY_RETENTION_DAYS))
        return render_markdown(text.replace("{contact_email}", settings.CONTACT_EMAIL))
