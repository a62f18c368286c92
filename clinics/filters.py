"""The clinic search as one django-filter FilterSet: place, free text, filters, facet counts, sort.

Each filter becomes one condition (a Q) on Clinic, so the facet counts of a group can be taken
with every condition except that group's own: "how many clinics would I see with this option".
"""

import copy
import hashlib
from collections.abc import Callable
from functools import partial, reduce
from operator import or_
from typing import ClassVar

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, F, FloatField, IntegerField, Q, QuerySet, Value, Window
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property

from clinics import search_columns
from clinics.cards import Card, OfferFacts, Row, cards
from clinics.compiled import INPUTS, Text, compiled
from clinics.facets import (
    CLINIC_GROUPS,
    FLAG_COLUMNS,
    MAX_PRICE_CHOICES,
    OFFER_FILTERS,
    PAYMENT_COLUMNS,
    PAYMENT_LABELS,
    FacetGroup,
    FacetQuery,
    facet_groups,
)
from clinics.models import (
    CONFIRMED_RECENTLY,
    MONITORED_BY_PHYSICIAN_OR_CRNA,
    Clinic,
    Condition,
    InsuranceCarrier,
    Language,
    TreatmentType,
)
from clinics.places import US_STATES, Location, PlaceForm, bounding_box, distance_in_miles
from directory.caching import cached

STATE_CHOICES = sorted(US_STATES.items(), key=lambda item: item[1])
RADIUS_CHOICES = [(10, "10 miles"), (25, "25 miles"), (50, "50 miles"), (100, "100 miles")]
DEFAULT_RADIUS = 25
# How far a search that finds nothing near a place looks for the nearest clinics: each distance
# in turn, stopping at the first that holds enough (the nearest within it are the nearest of all).
NEAREST_WITHIN_MILES = (100, 250, 500)
SORT_RULES = {
    "distance": ("Distance", "Sorted by distance, nearest first."),
    "relevance": ("Best match", "Sorted by how well each clinic matches your words."),
    "price": ("Lowest price", "Sorted by lowest price per session."),
    "verified": (
        "Recently confirmed",
        "Sorted by how recently prices, insurance, hours and availability were all confirmed.",
    ),
    "name": ("Name", "Sorted by name, A to Z."),
}
# The offer filters (facets.OFFER_FILTERS), like the conditions and languages, are checked on the
# search columns of the clinic's own row (clinics/search_columns.py), by id: `ids` maps each
# option's slug or code to it.
# Filters whose options the clinic has many of, and the search column that holds their ids; they and
# the clinic's yes/no filters are facets.CLINIC_GROUPS.
MANY_TO_MANY = {"condition": "search_conditions", "language": "search_languages"}


def _reference() -> dict[str, list[tuple[str, str, int]]]:
    """Each filter's options as (slug or code, label, id), in the order the page lists them."""
    return {
        "treatment": list(TreatmentType.objects.values_list("slug", "name", "pk")),
        "condition": list(Condition.objects.order_by("-group", "name").values_list("slug", "name", "pk")),
        "insurance": list(InsuranceCarrier.objects.values_list("slug", "name", "pk")),
        "language": list(Language.objects.values_list("code", "name", "pk")),
    }


class ClinicSearchForm(PlaceForm):
    """The fields that are not filters: place, radius and sort. Geocodes the place while validating."""

    where = forms.CharField(label="Near", max_length=100, required=False)
    radius = forms.TypedChoiceField(
        label="Within", choices=RADIUS_CHOICES, coerce=int, required=False, empty_value=DEFAULT_RADIUS
    )
    sort = forms.ChoiceField(
        label="Sort by", choices=[(key, label) for key, (label, _) in SORT_RULES.items()], required=False
    )

    def clean_where(self) -> Location | None:
        return self.located(self.cleaned_data["where"])


class Unchanged(dict):
    """A dict that copy.deepcopy() gives back as it is: for the search form's fields, which no search
    changes (see ClinicFilter.__init__)."""

    def __deepcopy__(self, memo: dict) -> "Unchanged":
        return self


class ClinicFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Words", max_length=200)
    state = django_filters.ChoiceFilter(label="State", choices=STATE_CHOICES, empty_label="Any state")
    city = django_filters.CharFilter(max_length=100, widget=forms.HiddenInput)
    treatment = django_filters.MultipleChoiceFilter(label="Treatment")
    condition = django_filters.MultipleChoiceFilter(label="Condition")
    insurance = django_filters.MultipleChoiceFilter(label="Insurance carrier")
    spravato_insurance = django_filters.BooleanFilter(label="Bills insurance for Spravato", widget=forms.CheckboxInput)
    payment = django_filters.MultipleChoiceFilter(label="Payment options")
    max_price = django_filters.TypedChoiceFilter(label="Price per session", choices=MAX_PRICE_CHOICES, coerce=int)
    accepting = django_filters.BooleanFilter(label="Accepting new patients", widget=forms.CheckboxInput)
    telehealth = django_filters.BooleanFilter(label="Telehealth or at-home option", widget=forms.CheckboxInput)
    kap = django_filters.BooleanFilter(label="Integration therapy (KAP)", widget=forms.CheckboxInput)
    language = django_filters.MultipleChoiceFilter(label="Language spoken")
    verified = django_filters.BooleanFilter(label="Confirmed in the last 6 months", widget=forms.CheckboxInput)
    rems = django_filters.BooleanFilter(label="REMS-certified for Spravato", widget=forms.CheckboxInput)
    physician_monitored = django_filters.BooleanFilter(
        label="Monitored by a physician or nurse anesthetist", widget=forms.CheckboxInput
    )

    class Meta:
        model = Clinic
        fields: list[str] = []
        form = ClinicSearchForm

    def __init__(self, data: QueryDict | None, queryset: QuerySet) -> None:
        """Load the reference choices (kept until a listing changes) and set aside unknown ones."""
        reference = cached("search-reference", _reference)
        self._reference_rows = tuple((name, tuple(rows)) for name, rows in reference.items())
        # Each multiple-choice filter's options as (slug or code, label), in the page's order.
        self.choices: dict[str, list[tuple[str, str]]] = {
            **{name: [(key, label) for key, label, _ in rows] for name, rows in reference.items()},
            "payment": list(PAYMENT_LABELS.items()),
        }
        # The database id of each option, by filter and slug (or language code): filters match ids.
        self.ids: dict[str, dict[str, int]] = {
            name: {key: pk for key, _, pk in rows} for name, rows in reference.items()
        }
        self.ignored: dict[str, list[str]] = {}
        data = data.copy() if data is not None else QueryDict(mutable=True)
        for name, known in self.choices.items():
            self._keep_known(data, name, {value for value, _ in known})
        # What BaseFilterSet.__init__ does, but with the class's filters as they are: it copies them
        # (and the form then copies their fields) in case a search changes them, and none does.
        # Those copies, and collecting the reference cycles they made, took a sixth of a new
        # search's Python time. A test checks that searches leave the filters and fields unchanged.
        self.is_bound = True
        self.data = data
        self.queryset = queryset
        self.request = None
        self.form_prefix = None
        self.filters = self.base_filters

    # The form class, by the reference data its choices come from: one per process, since building it
    # (a class, and a form field for every filter) for every search took longer than validating.
    _form_classes: ClassVar[dict[tuple, type[forms.Form]]] = {}

    def get_form_class(self) -> type[forms.Form]:
        form_class = self._form_classes.get(self._reference_rows)
        if form_class is None:
            fields = {}
            for name, declared in self.base_filters.items():
                filter_ = copy.deepcopy(declared)  # it keeps the field it makes: one per form class
                if name in self.choices:
                    filter_.extra["choices"] = self.choices[name]
                fields[name] = filter_.field
            form_class = type(f"{type(self).__name__}Form", (self._meta.form,), {"__module__": __name__, **fields})
            form_class.base_fields = Unchanged(form_class.base_fields)
            self._form_classes.clear()  # only the current reference data's class is wanted again
            self._form_classes[self._reference_rows] = form_class
        return form_class

    def ids_of(self, name: str, keys) -> list[int]:
        """The database ids of the chosen options of a filter (slugs or codes, all known)."""
        return [self.ids[name][key] for key in keys]

    def _keep_known(self, data, name: str, known: set[str]) -> None:
        """Drop unknown or repeated values of a multiple-choice filter and remember the unknown ones."""
        given = data.getlist(name)
        kept = list(dict.fromkeys(value for value in given if value in known))
        unknown = [value for value in given if value not in known]
        if unknown:
            self.ignored[name] = unknown[:3]
            data.setlist(name, kept)

    # --- filtering --------------------------------------------------------------------------

    @cached_property
    def data_used(self) -> dict:
        """The validated parameters; a field with an error is absent."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def location(self) -> Location | None:
        return self.data_used.get("where")

    @property
    def radius(self) -> int:
        return self.data_used.get("radius") or DEFAULT_RADIUS

    radius_choices = RADIUS_CHOICES
    state_choices = STATE_CHOICES  # the page writes the selects out itself: the widgets cost more to render

    @property
    def can_widen(self) -> bool:
        """Whether a wider distance is there to try: never past the widest choice."""
        return bool(self.location) and self.radius < RADIUS_CHOICES[-1][0]

    @property
    def unreadable(self) -> bool:
        """A place or words we could not read must never widen the search to every clinic."""
        return bool(self.form.errors.keys() & {"where", "q", "state", "city"})

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.unreadable:
            return queryset.none()
        queryset = self.within_reach(queryset).filter(*self.conditions())
        return self.ordered(queryset)

    def within_reach(self, queryset: QuerySet) -> QuerySet:
        """The clinics the place, state, city and free text allow, before the filters."""
        data = self.data_used
        if data.get("state"):
            queryset = queryset.filter(state=Text("state", data["state"]))
        if data.get("city"):
            queryset = queryset.filter(city__iexact=data["city"])
        if data.get("q"):
            query = SearchQuery(Text("q", data["q"]), search_type="websearch", config="english")
            queryset = queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        if self.location:
            queryset = (
                queryset.filter(bounding_box(self.location, self.radius))
                .annotate(distance_miles=distance_in_miles(self.location))
                .filter(distance_miles__lte=self.radius)
            )
        return queryset

    def beyond_reach(self, limit: int = 3) -> tuple[list[Card], list[Card]]:
        """For a place with nothing in reach: the nearest clinics that meet the filters, up to 500
        miles away, and the nearest in the place's state with a telehealth or at-home option that
        are not among them. Both lists' cards are read at once."""
        nearest = self._nearest(limit)
        telehealth = self._nearest_telehealth(limit, besides=[pk for pk, *_ in nearest]) if self.location.state else []
        found = cards(nearest + telehealth)
        return found[: len(nearest)], found[len(nearest) :]

    def _nearest(self, limit: int) -> list[Row]:
        location = self.location

        def nearest_sql(miles: int) -> tuple[str, list]:
            nearest = (
                self.queryset.filter(*self.conditions())
                .annotate(distance_miles=distance_in_miles(location))
                .filter(bounding_box(location, miles), distance_miles__lte=miles)
            )
            # Each row also carries how many clinics the distance holds (counted before the limit).
            rows = nearest.order_by("distance_miles", "pk").values_list(
                "pk", "distance_miles", search_columns.card_version(), Window(Count("*"))
            )
            return rows[:limit].query.sql_with_params()

        # This search ignores the words, state and city: without them, how many it finds within each
        # distance is the search's own count there, and closest_searches need not count again.
        counts_for_search = not any(self.data_used.get(name) for name in ("q", "state", "city"))
        for miles in NEAREST_WITHIN_MILES:
            rows = self.run(("nearest", miles, limit, self.shape), partial(nearest_sql, miles))
            if counts_for_search:
                self.found_within[miles] = rows[0][-1] if rows else 0
            if len(rows) == limit:
                break
        return [row[:-1] for row in rows]

    @cached_property
    def found_within(self) -> dict[int, int]:
        """How many clinics the search would find within so many miles, where that is already known."""
        return {}

    def _nearest_telehealth(self, limit: int, besides: list[int]) -> list[Row]:
        state, enough = self.location.state, limit + len(besides)  # those `besides` are left out after

        def telehealth_sql() -> tuple[str, list]:
            telehealth = (
                self.queryset.filter(state=state, offers_telehealth=True)
                .annotate(distance_miles=distance_in_miles(self.location))
                .order_by("distance_miles", "pk")
            )
            return self.card_rows(telehealth)[:enough].query.sql_with_params()

        rows = self.run(("telehealth", state, enough, self.shape), telehealth_sql)
        return [row for row in rows if row[0] not in besides][:limit]

    def result_rows(self, start: int, stop: int) -> list[Row]:
        """The rows `cards` takes of the results from `start` to `stop`, in the search's order."""
        if self.unreadable or start >= stop:
            return []
        key = ("results", self.sort, start, stop, self.shape)
        return self.run(key, lambda: self.card_rows(self.qs)[start:stop].query.sql_with_params())

    @property
    def shape(self) -> tuple:
        """What the SQL of this search depends on besides its place, words and state (compiled.Input)
        and its sort (which only the results depend on): the key of its compiled SQL. The reference
        data is in it, for the ids of the options."""
        used = tuple(
            sorted(
                (name, name if name in INPUTS else tuple(value) if isinstance(value, list) else value)
                for name, value in self.data_used.items()
                if value not in (None, "", []) and name != "sort"
            )
        )
        # The clinics searched: every caller gives the published ones, but the key must not assume it.
        return used, self.verified_since, self._reference_rows, self.queryset.query.where

    def run(self, key: tuple, compile: Callable[[], tuple[str, list]]) -> list[tuple]:
        """The rows of the SQL `compile()` gives (compiled once per `key`), for this search."""
        [statement] = compiled(key, compile)
        return statement.rows(self.data_used)

    def card_rows(self, queryset: QuerySet) -> QuerySet:
        """The rows `cards` takes (id, miles from the place or None, card_version) of these clinics."""
        if self.location and not self.unreadable:  # an unreadable search has no results, nor distances
            distance = F("distance_miles")
        else:
            distance = Value(None, output_field=FloatField())
        return queryset.values_list("pk", distance, search_columns.card_version())

    def conditions(self, left_out: frozenset[str] = frozenset()) -> list[Q]:
        """The conditions of the filters in use, except those left out (to count their options)."""
        data = self.data_used
        used = [name for name in CLINIC_GROUPS if data.get(name) and name not in left_out]
        return [self.condition_for(name, data[name]) for name in used] + self.offer_conditions(left_out)

    @property
    def filters_in_use(self) -> list[str]:
        data = self.data_used
        return [name for name in [*OFFER_FILTERS, *CLINIC_GROUPS] if data.get(name)]

    def offer_sql(self, left_out: frozenset[str] = frozenset()) -> list[search_columns.Sql]:
        """The offer filters in use, except those left out, as SQL on the search columns.

        With a treatment chosen (and not left out), one condition: one offer meets them all. Without,
        one condition per filter, each met by any offer.
        """
        data = self.data_used
        used = {name for name in OFFER_FILTERS if data.get(name) and name not in left_out}
        if not used:
            return []
        carriers = self.ids_of("insurance", data["insurance"]) if "insurance" in used else []
        max_price = data["max_price"] if "max_price" in used else None
        if "treatment" in used:
            treatments = self.ids_of("treatment", data["treatment"])
            return [search_columns.some_offer_meets(treatments, carriers, max_price)]
        conditions = []
        if carriers:
            conditions.append(search_columns.has_any("search_carriers", carriers))
        if max_price is not None:
            conditions.append((f"{search_columns.CLINIC}search_lowest_session_price <= %s", [max_price]))
        return conditions

    def offer_conditions(self, left_out: frozenset[str] = frozenset()) -> list[Q]:
        return [search_columns.condition(sql) for sql in self.offer_sql(left_out)]

    def mark_matching_offers(self, found: list[Card]) -> None:
        """Mark each offer on these cards that met the offer filters, so the card can say which one did."""
        if not any(self.data_used.get(name) for name in OFFER_FILTERS):
            return
        for card in found:
            card.matching = {offer.pk for offer in card.offers if self.offer_matches(offer)}

    def offer_matches(self, offer: OfferFacts) -> bool:
        """Whether this offer meets the offer filters in use, checked in Python."""
        data = self.data_used
        if data.get("treatment") and offer.treatment not in data["treatment"]:
            return False
        if data.get("insurance") and not offer.carriers & set(data["insurance"]):
            return False
        if data.get("max_price") and not (offer.per_session and offer.price_min <= data["max_price"]):
            return False
        return True

    def condition_for(self, name: str, value) -> Q:
        if name in MANY_TO_MANY:
            return search_columns.condition(search_columns.has_any(MANY_TO_MANY[name], self.ids_of(name, value)))
        if name == "spravato_insurance":
            return search_columns.condition(search_columns.has("search_billed", self.spravato_id))
        if name == "payment":
            return reduce(or_, (Q(**{PAYMENT_COLUMNS[option]: True}) for option in value))
        if name == "verified":
            return Q(facts_confirmed_at__gte=self.verified_since)
        if name == "physician_monitored":
            return Q(session_monitored_by__in=MONITORED_BY_PHYSICIAN_OR_CRNA)
        return Q(**{FLAG_COLUMNS[name]: True})

    @property
    def spravato_id(self) -> int | None:
        return self.ids["treatment"].get("spravato")

    @cached_property
    def verified_since(self):
        """Every decision fact confirmed since then counts as "confirmed in the last 6 months". To the
        minute, so that SQL compiled with it (see `shape`) serves every search of the same minute."""
        return timezone.now().replace(second=0, microsecond=0) - CONFIRMED_RECENTLY

    # --- sorting ----------------------------------------------------------------------------

    def sort_choices(self) -> list[tuple[str, str]]:
        """The sorts that make sense for this search: distance needs a place, best match needs words."""
        data = self.data_used
        unavailable = set()
        if not self.location:
            unavailable.add("distance")
        if not data.get("q"):
            unavailable.add("relevance")
        return [(key, label) for key, (label, _) in SORT_RULES.items() if key not in unavailable]

    @property
    def sort(self) -> str:
        requested = self.data_used.get("sort")
        available = [key for key, _ in self.sort_choices()]
        if requested in available:
            return requested
        return available[0] if available[0] in ("distance", "relevance") else "name"

    @property
    def sort_rule(self) -> str:
        return SORT_RULES[self.sort][1]

    def ordered(self, queryset: QuerySet) -> QuerySet:
        sort = self.sort
        if sort == "distance":
            return queryset.order_by("distance_miles", "pk")
        if sort == "relevance":
            return queryset.order_by("-rank", "name", "pk")
        if sort == "price":
            treatments = self.data_used.get("treatment")
            lowest = search_columns.lowest_session_price(self.ids_of("treatment", treatments) if treatments else None)
            queryset = queryset.annotate(lowest_price=search_columns.expression(lowest, IntegerField()))
            return queryset.order_by(F("lowest_price").asc(nulls_last=True), "name", "pk")
        if sort == "verified":
            return queryset.order_by(F("facts_confirmed_at").desc(nulls_last=True), "name", "pk")
        return queryset.order_by("name", "pk")

    # --- facet counts -----------------------------------------------------------------------

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Clinics per option of every filter, the same for every page and sort of the same search.

        Across a state or the whole country each count reads most of its clinics (about 300 ms for
        the country), so those counts are kept in the cache under the normalised search until a
        listing changes. Near a place, or for words, the clinics to count are few (a few ms), and
        reading and writing a cache entry for every new search cost more than they saved: those
        are counted once per request.
        """
        if self.unreadable:
            return {}
        used = {
            name: sorted(map(str, value)) if isinstance(value, list) else value
            for name, value in self.data_used.items()
        }
        used = {name: value for name, value in used.items() if value and name != "sort"}
        if not self.location:
            used.pop("radius", None)
        key = "clinic-facets:" + hashlib.sha256(repr(sorted(used.items())).encode()).hexdigest()
        if not (self.location or used.get("q")):
            return cached(key, self._count_facets)
        # Keyed, since closest_searches counts copies of this search with a part left out.
        counted = self.__dict__.setdefault("_facets_counted", {})
        if key not in counted:
            counted[key] = self._count_facets()
        return counted[key]

    def _count_facets(self) -> dict[str, dict[str, int]]:
        """Clinics per option of every filter, in one query whatever the number of options."""
        options = {
            name: [value for value, _ in self.choices[name]]
            for name in ("treatment", "condition", "insurance", "language", "payment")
        }
        return FacetQuery(self, options, [price for price, _ in MAX_PRICE_CHOICES]).counts()

    @property
    def result_count(self) -> int:
        """The number of results, counted with the facets (so the paginator need not count again)."""
        return self.facet_counts().get("results", {}).get("all", 0)

    def facets(self) -> list[FacetGroup]:
        """The filter groups to show, each option with its count and whether it is chosen."""
        return facet_groups(self)

    @property
    def search_fields_with_problems(self) -> list:
        """Bound fields outside the filter groups whose value we could not use (the place has its own box)."""
        return [self.form[name] for name in ("q", "radius", "state", "city", "sort") if name in self.form.errors]

    @property
    def active_filter_count(self) -> int:
        return len(self.filters_in_use)
