import json
from collections.abc import Iterable

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from clinics.models import Condition, TreatmentType
from guides.models import RELATED_GUIDES, Guide

register = template.Library()


# The same escapes as Django's json_script: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: dict) -> SafeString:
    """Structured data as <script type="application/ld+json">, escaped like json_script (which cannot set the type)."""
    escaped = json.dumps(data, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(escaped))  # noqa: S308


@register.simple_tag
def newest_guides(count: int) -> list[Guide]:
    """The newest published guides, for pages of `clinics` such as the home page."""
    return list(Guide.objects.published()[:count])


@register.inclusion_tag("includes/related_guides.html")
def related_guides(topics: TreatmentType | Condition | Iterable[TreatmentType | Condition], heading: str = "") -> dict:
    """Published guides about a treatment type or condition, or any of several (a clinic's): how pages of
    `clinics` show guides without that app importing this one."""
    if isinstance(topics, TreatmentType | Condition):
        topics = [topics]
    return {"guides": list(Guide.objects.published().about(*topics)[:RELATED_GUIDES]), "heading": heading}
