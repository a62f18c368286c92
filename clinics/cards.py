"""The clinic cards on a list of results, each rendered once per version of its clinic and kept in the cache.

What a card shows of a clinic is the same on every list but for four things: the distance from
the searched place, which of its offers met the search's filters, and, as time passes, whether its
facts are out of date and the link to its logo (signed links to private storage expire within a
day). A card is rendered with a slot for each (its name between two NUL characters, which no text
stored in PostgreSQL can hold), and `Card` fills them in when the page is drawn. The card is kept
under its clinic's card_version, which the database raises with any change to what the card shows
(migration 0026), and under the reference data's version (the names of treatments, conditions and
carriers), so an edit to one clinic renders only its card again.

Twenty cards read and rendered afresh take 15 to 20 ms; from the cache, one read of the cache and
well under a millisecond. `manage.py warm_cards` renders the cards the cache lacks, after a deploy say.
"""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from clinics import search_columns
from clinics.models import Clinic, ClinicTreatment
from directory.caching import REFERENCE, cached_many

SLOT = "\0"
# A card is exact for its clinic's card_version; old ones are cleared out after a week.
CARD_TIMEOUT = 7 * 24 * 60 * 60
# How a card marks an offer that met the filters (on its list item, and as a note after it), and
# facts past their time.
MARKS = {
    "match-class": ' class="card__match"',
    "match-note": '<span class="card__match-note">matches your filters</span>',
    "stale": '<span class="badge badge--warn">May be out of date</span>',
}

Row = tuple[int, float | None, int]  # a clinic's id, miles from the searched place (or None), card_version


def slot(name: str) -> str:
    return f"{SLOT}{name}{SLOT}"


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
    """A clinic's card as kept in the cache, with what depends on the search and the time to fill in."""

    pk: int
    parts: tuple[str, ...]  # the HTML split at SLOT: every second part is a slot's name
    offers: tuple[OfferFacts, ...]
    approximate: bool  # the clinic is placed by its ZIP code, so its distance is rounded
    stale_after: float | None  # when its first fact goes out of date (a timestamp); None if one was never confirmed
    logo: str  # the name of its logo's thumbnail in the storage, or ""
    distance_miles: float | None = None
    matching: set[int] = field(default_factory=set)  # the ids of the offers that met the filters

    @classmethod
    def of(cls, clinic: Clinic) -> "Card":
        """`clinic` from Clinic.objects.for_cards()."""
        html = render_to_string("includes/clinic_card.html", {"clinic": clinic, "compare": True, "slots": True})
        offers = tuple(OfferFacts.of(offer) for offer in clinic.clinic_treatments.all())
        stale_from = clinic.facts_stale_from
        stale_after = stale_from.timestamp() if stale_from else None
        logo = getattr(clinic, "logo_thumbnail", None) or ""
        return cls(clinic.pk, tuple(html.split(SLOT)), offers, clinic.location_is_approximate, stale_after, logo)

    def _filled(self, name: str) -> str:
        if name == "distance":  # "3.2 mi", or "about 3 mi" for a clinic placed by its ZIP code
            if self.distance_miles is None:
                return ""
            shown = f"about {self.distance_miles:.0f} mi" if self.approximate else f"{self.distance_miles:.1f} mi"
            return format_html('<span class="card__distance">{}</span>', shown)
        if name == "stale":
            stale = self.stale_after is None or self.stale_after < timezone.now().timestamp()
            return MARKS["stale"] if stale else ""
        if name == "logo":
            return escape(default_storage.url(self.logo))
        mark, _, pk = name.partition(":")
        return MARKS[mark] if int(pk) in self.matching else ""

    def __str__(self) -> str:
        parts = list(self.parts)
        parts[1::2] = [self._filled(name) for name in parts[1::2]]
        return mark_safe("".join(parts))  # noqa: S308 - rendered by the card template, slots filled by this class


def cards(rows: list[Row]) -> list[Card]:
    """The cards of the published clinics of these rows, in their order, with their distance filled in.

    A list of results is found first by ids alone, which the search's covering index holds with the
    card versions, so that only the clinics shown are read whole, and only those whose card the
    cache lacks.
    """
    found = _cards({pk: version for pk, _, version in rows})
    shown = []
    for pk, miles, _ in rows:
        if card := found.get(pk):  # else unpublished since its id was read
            card.distance_miles = miles
            shown.append(card)
    return shown


def _cards(versions: dict[int, int], rendered: list[int] | None = None) -> dict[int, Card]:
    def render(ids: list[int]) -> dict[int, Card]:
        if rendered is not None:
            rendered.append(len(ids))
        return {clinic.pk: Card.of(clinic) for clinic in Clinic.objects.published().filter(pk__in=ids).for_cards()}

    keys = {pk: f"clinic-card:{pk}:{version}" for pk, version in versions.items()}
    return cached_many(keys, render, depends_on=(REFERENCE,), alias="cards", timeout=CARD_TIMEOUT)


def warm(batch_size: int = 500) -> tuple[int, int]:
    """Render the card of every published clinic that the cache lacks: (clinics, cards rendered)."""
    rows = list(Clinic.objects.published().order_by("pk").values_list("pk", search_columns.card_version()))
    rendered: list[int] = []
    for start in range(0, len(rows), batch_size):
        _cards(dict(rows[start : start + batch_size]), rendered)
    return len(rows), sum(rendered)
