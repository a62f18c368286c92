"""Small formatting helpers for clinic templates."""

import html
import json
from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinics import cards
from clinics.facets import FacetGroup, FacetOption
from clinics.models import Clinic, ClinicTreatment, Confirmation

register = template.Library()


@register.simple_tag(takes_context=True)
def card_slot(context, name: str, pk: int | None = None) -> str:
    """Where a card shows what depends on the search (the distance; with an offer's `pk`, its
    "match-class" or "match-note" when it met the filters): a slot in a card rendered for the cache
    (clinics/cards.py), else nothing, since a card outside a search's results has neither."""
    if not context.get("slots"):
        return ""
    return cards.slot(name if pk is None else f"{name}:{pk}")


@register.simple_tag(takes_context=True)
def stale_badge(context, clinic: Clinic) -> str:
    """A card's "May be out of date" badge, shown while any decision fact is past its limit: a slot in a
    card rendered for the cache, which can outlive the facts."""
    if context.get("slots"):
        return cards.slot("stale")
    return mark_safe(cards.MARKS["stale"]) if clinic.has_stale_facts else ""  # noqa: S308 - our own constant


@register.simple_tag(takes_context=True)
def card_logo_url(context, clinic: Clinic) -> str:
    """A card's logo link: a slot in a card rendered for the cache, which outlives a signed link."""
    return cards.slot("logo") if context.get("slots") else clinic.card_logo_url


# The two tags below write many small elements of plain values, escaped with the function Django's
# `escape` wraps: format_html spends most of its time checking each value for lazy and safe strings.


@register.simple_tag
def facet_fieldsets(groups: list[FacetGroup]) -> str:
    """The search page's filter groups, each a fieldset of checkboxes or a select, every option with
    its count. Written out here: the page shows about fifty options, and the template language took
    more than half the page's rendering over them."""
    return mark_safe("\n".join(_facet_fieldset(group) for group in groups))  # noqa: S308 - every value is escaped


def _facet_fieldset(group: FacetGroup) -> str:
    name, legend = html.escape(group.name), html.escape(group.legend)
    problems = ""
    if group.problems:
        items = "".join(f"<li>{html.escape(problem)}</li>" for problem in group.problems)
        problems = f'<ul class="field-error" id="{name}-problems">{items}</ul>'
    if group.kind == "select":
        options = "".join(
            f'<option value="{(value := html.escape(option.value))}"{" selected" if option.selected else ""}'
            f' data-swap="count-{name}-{value}">{html.escape(option.label)} ({option.count:,})</option>'
            for option in group.options
        )
        choices = (
            f'<label class="visually-hidden" for="filter-{name}">{legend}</label>'
            f'<select id="filter-{name}" name="{name}"><option value="">Any price</option>{options}</select>'
        )
    else:
        choices = '<ul class="facet__options">' + "\n".join(map(_facet_checkbox, group.options)) + "</ul>"
    described = f' aria-describedby="{name}-problems"' if group.problems else ""
    return f'<fieldset class="facet"{described}><legend>{legend}</legend>{problems}{choices}</fieldset>'


def _facet_checkbox(option: FacetOption) -> str:
    return (
        f'<li><label><input type="checkbox" name="{html.escape(option.name)}" value="{html.escape(option.value)}"'
        f'{" checked" if option.selected else ""}> {html.escape(option.label)} <span class="facet__count">'
        f'{option.count:,}<span class="visually-hidden"> clinics</span></span></label></li>'
    )


@register.simple_tag
def select_options(choices: list[tuple], chosen) -> str:
    """A select's options as (value, label), the one equal to `chosen` selected. Written out here:
    the search page's state select has 51, each three template nodes."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<option value="{html.escape(str(value))}"{" selected" if value == chosen else ""}>'
            f"{html.escape(str(label))}</option>"
            for value, label in choices
        )
    )


@register.simple_tag
def price_range(low: int, high: int) -> str:
    """Whole dollars as "$400–$700", or "$400" when both ends are the same."""
    if low == high:
        return f"${intcomma(low)}"
    return f"${intcomma(low)}–${intcomma(high)}"


@register.simple_tag
def offer_price(offer: ClinicTreatment) -> str:
    """An offer's self-pay price in its own unit: "$400–$700 per session", "$150 per month"."""
    return f"{price_range(offer.price_min, offer.price_max)} {offer.get_price_unit_display()}"


@register.filter
def carrier_names(offer: ClinicTreatment) -> str:
    """The carriers an offer is billed to, as offers_with_details() reads them: "Aetna, Cigna"."""
    return ", ".join(offer.billed_carrier_names)


@register.filter
def tel_digits(phone: str) -> str:
    """The dialable part of a phone number, for a tel: link: digits and a leading '+'."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+{digits}" if phone.strip().startswith("+") else digits


@register.filter
def maps_search_url(clinic: Clinic) -> str:
    """A Google Maps search link for the clinic's street address (a link, never an embed)."""
    address = f"{clinic.street}, {clinic.city}, {clinic.state} {clinic.zip_code}"
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address})


# The characters json_script escapes, so no value can close the <script> element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict) -> str:
    """A JSON-LD data block; a data block is never run as JavaScript."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


@register.inclusion_tag("includes/confirmed.html")
def confirmed(confirmation: Confirmation) -> dict:
    """When a fact was last confirmed, by whom and how, marked when it is older than its limit."""
    return {"confirmation": confirmation}


@register.filter
def offers_treatment(offers, slug: str) -> bool:
    """Whether one of these offers (prefetched) is of the treatment with this slug."""
    return any(offer.treatment_type.slug == slug for offer in offers)
