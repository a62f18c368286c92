from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from clinics.places import Location, PlaceForm
from guides.images import ReencodedImageField
from guides.models import Guide

# As long as the clinic search accepts: room for any US city and state.
NEAR_MAX_LENGTH = 100
UNREADABLE_PLACE = "We could not find that place. Try a five-digit ZIP code or “City, ST”."


class PublishTimeWidget(AdminSplitDateTime):
    """The admin's publish date and time boxes, each named for screen readers (Django leaves them unlabelled)."""

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("Publish date", "Publish time"), strict=True):
            subwidget["attrs"]["aria-label"] = part
        return context


class GuideAdminForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = [
            "title", "slug", "summary", "body", "hero_image", "hero_image_alt",
            "treatment_types", "conditions",
            "author_name", "author_credentials", "reviewer_name", "reviewer_credentials", "reviewed_on",
            "status", "publish_at",
        ]  # fmt: skip
        field_classes = {"hero_image": ReencodedImageField}


class NearForm(PlaceForm):
    """Where a guide's clinics are sorted from: a ZIP code, "City, ST" or a city name, geocoded while validating."""

    near = forms.CharField(
        max_length=NEAR_MAX_LENGTH,
        required=False,
        # Too long, or with a NUL byte PostgreSQL would refuse: no place, and no need to say more.
        error_messages={"max_length": UNREADABLE_PLACE, "null_characters_not_allowed": UNREADABLE_PLACE},
    )

    def clean_near(self) -> Location | None:
        return self.located(self.cleaned_data["near"])
