"""The clinic cards on a list of results, each rendered once and kept in the cache until a listing changes.

What a card shows of a clinic is the same on every list but for two things: the distance from the
searched place, and which of its offers met the search's filters. A card is rendered with a slot
for each (its name between two NUL characters, which no text stored in PostgreSQL can hold), and
`Card` fills them in for the search at hand. A page of twenty cards read and rendered afresh took
about 15 ms; from the cache, one query and well under a millisecond.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clinics.models import Clinic, ClinicTreatment
from directory.caching import cached_many

SLOT = "\0"
# How a card marks an offer that met the filters: on its list item, and as a note after it.
MATCH = {
    "match-class": ' class="card__match"',
    "match-note": '<span class="card__match-note">matches your filters</span>',
}


def slot(name: str) -> str:
    return f"{SLOT}{name}{SLOT}"


def distance_html(miles: float | None, approximate: bool) -> str:
    """A card's distance from the searched place: "3.2 mi", or "about 3 mi" for a clinic placed by its ZIP."""
    if miles is None:
        return ""
    shown = f"about {miles:.0f} mi" if approximate else f"{miles:.1f} mi"
    return format_html('<span class="card__distance">{}</span>', shown)


@dataclass(frozen=True)
class OfferFacts:
    """What a search's filters look at in one of a clinic's offers (see ClinicFilter.offer_matches)."""

    pk: int
    treatment: str  # the treatment type's slug
    carriers: frozenset[str]  # the slugs of the carriers it bills
    per_session: bool
    price_min: int

    @classmethod
    def of(cls, offer: ClinicTreatment) -> "OfferFacts":
        """From an offer read with offers_with_details()."""
        return cls(
            offer.pk,
            offer.treatment_type.slug,
            frozenset(offer.billed_carrier_slugs),
            offer.per_session,
            offer.price_min,
        )


@dataclass
class Card:
    """A clinic's card as kept in the cache, with this search's distance and matching offers to fill in."""

    pk: int
    parts: tuple[str, ...]  # the HTML split at SLOT: every second part is a slot's name
    offers: tuple[OfferFacts, ...]
    approximate: bool  # the clinic is placed by its ZIP code, so its distance is rounded
    distance_miles: float | None = None
    matching: set[int] = field(default_factory=set)  # the ids of the offers that met the filters

    @classmethod
    def of(cls, clinic: Clinic, *, minor: bool) -> "Card":
        """`clinic` from Clinic.objects.for_cards(); `minor` for a card under a section's own heading."""
        html = render_to_string(
            "includes/clinic_card.html", {"clinic": clinic, "compare": True, "minor": minor, "slots": True}
        )
        offers = tuple(OfferFacts.of(offer) for offer in clinic.clinic_treatments.all())
        return cls(clinic.pk, tuple(html.split(SLOT)), offers, clinic.location_is_approximate)

    def _filled(self, name: str) -> str:
        if name == "distance":
            return distance_html(self.distance_miles, self.approximate)
        part, _, pk = name.partition(":")
        return MATCH[part] if int(pk) in self.matching else ""

    def __str__(self) -> str:
        parts = list(self.parts)
        parts[1::2] = [self._filled(name) for name in parts[1::2]]
        return mark_safe("".join(parts))  # noqa: S308 - rendered by the card template, slots filled by this class


def cards(rows: list[tuple[int, float | None]], *, minor: bool = False) -> list[Card]:
    """The cards of the published clinics of these (id, miles from the searched place or None) rows,
    in their order, with their distance filled in.

    A list of results is found first by ids alone, which the search's covering index holds, so that
    only the clinics shown are read whole, and only those whose card the cache does not hold.
    """

    def render(ids: list[int]) -> dict[int, Card]:
        clinics = Clinic.objects.published().filter(pk__in=ids).for_cards()
        return {clinic.pk: Card.of(clinic, minor=minor) for clinic in clinics}

    found = cached_many("clinic-card-minor" if minor else "clinic-card", [pk for pk, _ in rows], render)
    shown = []
    for pk, miles in rows:
        if card := found.get(pk):  # else unpublished since its id was read
            card.distance_miles = miles
            shown.append(card)
    return shown
