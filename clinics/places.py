"""US places: state names, the offline geocoder over the Place table, and distance in SQL."""

import difflib
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.db.models import Avg, BooleanField, FloatField, Min
from django.db.models.expressions import RawSQL

from clinics.compiled import PlaceBands, PlaceNumber
from clinics.models import Place
from directory.caching import REFERENCE, kept_in_process

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_OF_LATITUDE = 69.0

# Every code the Place table holds (from the `zipcodes` package), with the name patients know.
US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "FM": "Micronesia",
    "MH": "Marshall Islands",
    "PW": "Palau",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}

ZIP_PATTERN = re.compile(r"^(\d{5})(?:-\d{4})?$")
# Abbreviations patients type that the ZIP data spells out ("St. Louis" is "Saint Louis" there).
CITY_ABBREVIATIONS = [
    (re.compile(r"^st\.?\s", re.I), "Saint "),
    (re.compile(r"^ft\.?\s", re.I), "Fort "),
    (re.compile(r"^mt\.?\s", re.I), "Mount "),
]


@dataclass(frozen=True)
class Location:
    """A point to search around, with the words to show for it."""

    label: str
    latitude: float
    longitude: float
    state: str = ""  # the two-letter state it lies in

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state, self.state)


class PlaceNotFound(Exception):
    """The text names no place we know, or several; `suggestions` are "City, ST" strings to offer."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


def locate(text: str) -> Location:
    """Geocode a ZIP code, "City, ST" or a city name that exists in one state only."""
    text = " ".join(text.split())
    if match := ZIP_PATTERN.match(text):
        if not (found := places_by_zip_code().get(match[1])):
            raise PlaceNotFound(f"We do not know the ZIP code {match[1]}. Check it, or type a city and state.")
        city, state, latitude, longitude = found
        return Location(f"{match[1]} ({city}, {state})", latitude, longitude, state)

    city, state = _split_city_and_state(text)
    city = _expand_abbreviations(city)
    matches = list(
        Place.objects.filter(city__iexact=city, **({"state": state} if state else {}))
        .values("state")
        .annotate(name=Min("city"), latitude=Avg("latitude"), longitude=Avg("longitude"))
        .values_list("name", "state", "latitude", "longitude")
        .order_by("state")
    )
    if len(matches) == 1:
        name, found_state, latitude, longitude = matches[0]
        return Location(f"{name}, {found_state}", latitude, longitude, found_state)
    if matches:
        raise PlaceNotFound(
            f"{matches[0][0]} is the name of places in several states. Which one do you mean?",
            [f"{name}, {found_state}" for name, found_state, _, _ in matches],
        )
    return _not_found(text, city, state)


def places_by_zip_code() -> dict[str, tuple[str, str, float, float]]:
    """Every ZIP code's city, state, latitude and longitude, kept in each process until a place changes.

    About 12 MB for the 43,000 US ZIP codes. Looking each up in the database took a query and a tenth
    of the Python time of a search near a ZIP code no one had asked for before.
    """
    return kept_in_process("places-by-zip-code", _read_places_by_zip_code, depends_on=(REFERENCE,))


def cities_by_name() -> dict[str, list[tuple[str, str, int]]]:
    """Each city name, upper-cased, with the places of that name as (name, state, ZIP codes), the one
    with most ZIP codes first; kept in each process with the ZIP codes they come from (about 5 MB).
    The keyword box looks the words typed up in it."""
    return kept_in_process("cities-by-name", _cities_by_name, depends_on=(REFERENCE,))


def _cities_by_name() -> dict[str, list[tuple[str, str, int]]]:
    zip_codes: Counter[tuple[str, str]] = Counter()
    names: dict[tuple[str, str], str] = {}
    for city, state, _, _ in places_by_zip_code().values():
        key = (city.upper(), state)
        zip_codes[key] += 1
        names[key] = min(names.get(key, city), city)
    cities: dict[str, list[tuple[str, str, int]]] = {}
    for (upper, state), count in sorted(zip_codes.items(), key=lambda item: (-item[1], item[0][1])):
        cities.setdefault(upper, []).append((names[upper, state], state, count))
    return cities


def _read_places_by_zip_code() -> dict[str, tuple[str, str, float, float]]:
    rows = Place.objects.values_list("zip_code", "city", "state", "latitude", "longitude")
    # A city's name is one string however many ZIP codes it has (about 2 MB less).
    return {
        zip_code: (sys.intern(city), sys.intern(state), latitude, longitude)
        for zip_code, city, state, latitude, longitude in rows
    }


def _split_city_and_state(text: str) -> tuple[str, str | None]:
    """ "Austin, TX" and "Austin TX" give ("Austin", "TX"); "Austin" gives ("Austin", None)."""
    if "," in text:
        city, _, state = text.rpartition(",")
        state = state.strip().upper()
        if state in US_STATES:
            return city.strip(), state
        return text.replace(",", " ").strip(), None
    city, _, state = text.rpartition(" ")
    if city and state.upper() in US_STATES and len(state) == 2:
        return city, state.upper()
    return text, None


def _expand_abbreviations(city: str) -> str:
    for pattern, replacement in CITY_ABBREVIATIONS:
        city = pattern.sub(replacement, city)
    return city


def _not_found(text: str, city: str, state: str | None) -> Location:
    """Raise PlaceNotFound with up to five real city names spelled like the one typed."""
    suggestions: list[str] = []
    if city:
        # Names sharing the first letter are a few thousand at most; difflib ranks them quickly.
        candidates = Place.objects.filter(city__istartswith=city[0]).order_by().distinct()
        if state:
            candidates = candidates.filter(state=state)
        names = {f"{name}, {st}": name.upper() for name, st in candidates.values_list("city", "state")}
        by_name: dict[str, list[str]] = {}
        for label, name in names.items():
            by_name.setdefault(name, []).append(label)
        for name in difflib.get_close_matches(city.upper(), by_name, n=5, cutoff=0.75):
            suggestions += sorted(by_name[name])
    raise PlaceNotFound(
        f"We could not find a place called “{text}”. Try a five-digit ZIP code or “City, ST”.", suggestions[:8]
    )


def bounding_box(location: Location, miles: float) -> RawSQL:
    """Clinics inside a lat/long box around the location, as the covering index of searches near a
    place reads them: by band of whole degrees of latitude (the box's two to four, for most
    searches), then along the box's longitudes within each band (see migration 0027)."""
    latitude_span = miles / MILES_PER_DEGREE_OF_LATITUDE

    def longitude_span(place: Location) -> float:
        return miles / (MILES_PER_DEGREE_OF_LATITUDE * max(math.cos(math.radians(place.latitude)), 0.01))

    def bands(place: Location) -> list[int]:
        return list(range(math.floor(place.latitude - latitude_span), math.floor(place.latitude + latitude_span) + 1))

    return RawSQL(  # noqa: S611 - our own SQL; the place is in the parameters
        "floor(clinics_clinic.latitude)::integer = ANY(%s::integer[])"
        " AND clinics_clinic.latitude BETWEEN %s AND %s AND clinics_clinic.longitude BETWEEN %s AND %s",
        [
            PlaceBands(location, bands),
            PlaceNumber(location, lambda place: place.latitude - latitude_span),
            PlaceNumber(location, lambda place: place.latitude + latitude_span),
            PlaceNumber(location, lambda place: place.longitude - longitude_span(place)),
            PlaceNumber(location, lambda place: place.longitude + longitude_span(place)),
        ],
        output_field=BooleanField(),
    )


def distance_in_miles(location: Location) -> RawSQL:
    """Great-circle (haversine) distance from the location to a clinic, as SQL on the clinic's table.

    Written as one piece of SQL rather than composed of Django's functions: a search uses it
    several times, and the composed expression took longer to build and copy than to run.
    Rounding can push the haversine a hair above 1, where asin() would raise, hence LEAST.
    """
    origin = PlaceNumber(location, lambda place: math.radians(place.latitude))
    return RawSQL(  # noqa: S611 - our own SQL; the place is in the parameters
        "2 * %s * ASIN(SQRT(LEAST(POWER(SIN((RADIANS(clinics_clinic.latitude) - %s) / 2), 2)"
        " + COS(%s) * COS(RADIANS(clinics_clinic.latitude))"
        " * POWER(SIN((RADIANS(clinics_clinic.longitude) - %s) / 2), 2), 1.0)))",
        [EARTH_RADIUS_MILES, origin, origin, PlaceNumber(location, lambda place: math.radians(place.longitude))],
        output_field=FloatField(),
    )


class PlaceForm(forms.Form):
    """A form with a place field, geocoded while validating; when no place matches, the field's error
    is locate's message and `place_suggestions` holds the places it offers instead."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place_suggestions: list[str] = []

    def located(self, text: str) -> Location | None:
        """For a clean_<field> method: the place `text` names, or None when it is blank."""
        if not text:
            return None
        try:
            return locate(text)
        except PlaceNotFound as error:
            self.place_suggestions = error.suggestions
            raise forms.ValidationError(str(error), code="unknown_place") from None
