from django import forms

from guides.images import ReencodedImageField
from guides.models import Guide


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
