"""What the search page says about a search: its parts as removable chips, and, when it finds
nothing, the searches one part smaller (or wider) that would find clinics.
"""

import copy
import re
from dataclasses import dataclass

from django.http import QueryDict

from clinics.facets import MAX_PRICE_CHOICES, PAYMENT_LABELS
from clinics.filters import RADIUS_CHOICES, ClinicFilter
from clinics.places import US_STATES

MAX_CLOSEST_TRIED = 8  # counts for a search that finds nothing


@dataclass
class Chip:
    """One part of the search, shown as "Treatment: Spravato" with a link that removes it."""

    label: str
    name: str  # the GET parameter
    value: str  # the value removed, or "" for the whole parameter
    url: str = ""
    count: int = 0  # for the closest searches: clinics found without this part
    short: str = ""  # the part in a few words ("Aetna"), when the label needs its group to be clear


def _without_part(params: QueryDict, name: str, value: str) -> str:
    """The query string of the search without one part, as {% querystring %} would write it."""
    result = params.copy()
    if value:
        result.setlist(name, [other for other in params.getlist(name) if other != value])
    else:
        result.pop(name, None)
        if name == "where":
            result.pop("radius", None)
    result.pop("page", None)
    return "?" + result.urlencode()


def chips(search: ClinicFilter, params: QueryDict) -> list[Chip]:
    """The parts of the search in use, as the page shows them: only what was read and is valid."""
    data = search.data_used
    found: list[Chip] = []
    if search.location:
        found.append(Chip(f"Near: {search.location.label}", "where", ""))
    if data.get("state"):
        found.append(Chip(f"State: {US_STATES[data['state']]}", "state", ""))
    if data.get("city"):
        found.append(Chip(f"City: {data['city']}", "city", ""))
    for name, legend in [("treatment", "Treatment"), ("condition", "Condition"), ("insurance", "Insurance")]:
        labels = dict(search.choices[name])
        found += [
            Chip(f"{legend}: {labels[value]}", name, value, short=labels[value]) for value in data.get(name) or []
        ]
    if data.get("spravato_insurance"):
        found.append(Chip(search.filters["spravato_insurance"].label, "spravato_insurance", ""))
    if data.get("max_price"):
        found.append(Chip(f"Price: {dict(MAX_PRICE_CHOICES)[data['max_price']]}", "max_price", ""))
    found += [
        Chip(f"Payment: {PAYMENT_LABELS[value]}", "payment", value, short=PAYMENT_LABELS[value])
        for value in data.get("payment") or []
    ]
    for name in ("accepting", "telehealth", "kap", "verified", "rems", "physician_monitored"):
        if data.get(name):
            found.append(Chip(str(search.filters[name].label), name, ""))
    languages = dict(search.choices["language"])
    found += [
        Chip(f"Language: {languages[code]}", "language", code, short=languages[code])
        for code in data.get("language") or []
    ]
    if re.search(r"[^\W_]", data.get("q") or ""):
        found.append(Chip(f"Words: “{data['q']}”", "q", ""))
    for chip in found:
        chip.url = _without_part(params, chip.name, chip.value)
    return found


def closest_searches(search: ClinicFilter, params: QueryDict, limit: int = 4) -> list[Chip]:
    """For a search that finds nothing: the searches one part smaller (or wider) that find clinics.

    At most MAX_CLOSEST_TRIED parts are tried: the words and the radius first, then the parts in
    the order the chips show them.
    """
    if search.unreadable:
        return []
    parts = chips(search, params)
    options = [part for part in parts if part.name == "q"]
    widest = RADIUS_CHOICES[-1][0]
    if search.location and search.radius < widest:
        options.append(Chip(f"Within {widest} miles", "radius", "", "?" + _set(params, "radius", str(widest))))
    options = [*options, *(part for part in parts if part.name != "q")][:MAX_CLOSEST_TRIED]
    counted = search.facet_counts().get("without", {})
    for option in options:
        option.count = _count_without(search, option, counted)
    found = [option for option in options if option.count]
    found.sort(key=lambda option: -option.count)
    return found[:limit]


def _set(params: QueryDict, name: str, value: str) -> str:
    result = params.copy()
    result[name] = value
    result.pop("page", None)
    return result.urlencode()


def _count_without(search: ClinicFilter, part: Chip, counted: dict[str, int]) -> int:
    """Clinics the search would find with one part removed (or the radius widened).

    A filter removed whole was `counted` with the facets, and the widest radius often by the search
    for the nearest clinics; one choice of several, the radius, the state, the city or the words
    take a count of their own.
    """
    if part.name in counted and not (part.value and len(search.data_used[part.name]) > 1):
        return counted[part.name]
    data = dict(search.data_used)
    if part.name == "radius":
        if (found := search.found_within.get(RADIUS_CHOICES[-1][0])) is not None:
            return found
        data["radius"] = RADIUS_CHOICES[-1][0]
    elif part.value:
        data[part.name] = [value for value in data[part.name] if value != part.value]
    else:
        data[part.name] = None
    smaller = copy.copy(search)
    smaller.__dict__["data_used"] = data  # the cached validated parameters, one part left out
    if part.name == "where":
        # Without its place the search is the same from every place: its counts (and this one)
        # are kept with the facet counts, rather than read across the whole country each time.
        return smaller.result_count
    return smaller.within_reach(search.queryset).filter(*smaller.conditions()).count()
