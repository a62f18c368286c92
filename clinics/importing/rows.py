"""Checking an import's rows one by one: each cell read, validated and turned into a listing's values."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from clinics.importing.known import Known, phone_digits
from clinics.models import Clinic, ClinicTreatment, Place
from clinics.models.listings import MonitoredBy, npi_is_valid
from clinics.places import US_STATES
from clinics.spreadsheets import (
    BOOLEAN_FIELDS,
    FORMULA_START,
    NOT_FORMULAS,
    PAYMENT_OPTIONS,
    REQUIRED_COLUMNS,
    TEXT_FIELDS,
    Offer,
)
from clinics.vocabulary import words_of

MAX_TEXT_LENGTH = 5000  # description, hours, first visit
PAYMENT_WORDS = {
    "financing": "financing",
    "payment plan": "financing",
    "payment plans": "financing",
    "sliding scale": "sliding scale",
    "sliding": "sliding scale",
    "superbill": "superbill",
    "superbills": "superbill",
    "clinical trials": "clinical trials",
    "clinical trial": "clinical trials",
    "trials": "clinical trials",
}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
PRICE_UNITS = {
    "session": ClinicTreatment.PriceUnit.SESSION,
    "month": ClinicTreatment.PriceUnit.MONTH,
    "prescription": ClinicTreatment.PriceUnit.PRESCRIPTION,
    "course": ClinicTreatment.PriceUnit.COURSE,
}
# "IV: $400-$600 per session, 6 sessions, bills Aetna / Cigna"
OFFER = re.compile(
    r"^(?P<name>[^:]+):\s*\$?\s*(?P<low>[0-9][0-9,]*)(?:\s*-\s*\$?\s*(?P<high>[0-9][0-9,]*))?"
    r"(?:\s*(?:per|/)\s*(?P<unit>[a-z]+))?\s*$",
    re.IGNORECASE,
)
CLAUSE_SEPARATOR = re.compile(r",(?![0-9]{3}(?![0-9]))")  # not the comma in "$3,000"
SESSIONS = re.compile(r"^(?P<count>[0-9]+)\s+sessions?$", re.IGNORECASE)
# Where the United States lie: the lower 48, Alaska, Hawaii, Puerto Rico and the Virgin Islands, Guam.
US_BOXES = [
    (24.3, 49.5, -125.0, -66.8),
    (51.0, 71.6, -180.0, -129.9),
    (18.8, 22.4, -160.3, -154.7),
    (17.6, 18.6, -67.4, -64.5),
    (13.2, 13.7, 144.6, 145.0),
]
CHECK_EMAIL = EmailValidator()
CHECK_URL = URLValidator(schemes=["http", "https"])


@dataclass
class RowResult:
    line: int
    action: str  # create, update, unchanged, duplicate, error
    name: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    clinic: Clinic | None = None  # the listing the row updates or may repeat
    reason: str = ""  # why a row is a possible duplicate
    changed: list[str] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # the clinic's fields as checked
    new_location: dict = field(default_factory=dict)  # where a new listing goes when the file has no coordinates
    offers: list[Offer] = field(default_factory=list)
    conditions: list[int] = field(default_factory=list)
    languages: list[int] = field(default_factory=list)

    def describe(self) -> str:
        if self.action == "error":
            return "; ".join(f"{column}: {reason}" if column else reason for column, reason in self.errors)
        if self.action == "duplicate":
            return f"possibly the same clinic as {self.clinic} ({self.reason}); left for an editor"
        if self.action == "update":
            return f"changes {', '.join(self.changed)} of {self.clinic}"
        return ""


def _split(cell: str, separator: str) -> list[str]:
    return [part.strip() for part in cell.split(separator) if part.strip()]


def check_row(line: int, cells: dict[str, str], known: Known, default_source: str) -> RowResult:
    """One row checked: its clinic fields, offers, conditions and languages, or the errors found."""
    result = RowResult(line=line, action="error", name=cells.get("name", "").strip())
    errors = result.errors
    if "__invalid__" in cells:
        errors.append(("", cells["__invalid__"]))
        return result
    if "__extra__" in cells:
        errors.append(("", "The row has more cells than the header has columns."))
        return result
    cells = {column: value.strip() for column, value in cells.items()}
    for column, value in cells.items():
        if value.startswith("'") and value[1:].startswith(FORMULA_START):
            cells[column] = value[1:]  # a formula character kept as text by an export
        elif column not in NOT_FORMULAS and value.startswith(FORMULA_START):
            errors.append((column, "starts like a spreadsheet formula (=, +, - or @); put an apostrophe before it."))
    if errors:
        return result
    result.cells = cells
    values = result.values
    source = cells.get("source") or default_source
    if len(source) > 100:
        errors.append(("source", "is longer than 100 characters."))
    if len(cells.get("external_id", "")) > 100:
        errors.append(("external_id", "is longer than 100 characters."))

    for column in TEXT_FIELDS:
        if column not in cells:
            continue
        limit = Clinic._meta.get_field(column).max_length or MAX_TEXT_LENGTH
        if len(cells[column]) > limit:
            errors.append((column, f"is {len(cells[column])} characters long; at most {limit}."))
        values[column] = cells[column]
    for column in REQUIRED_COLUMNS:
        if not cells.get(column):
            errors.append((column, "is required."))

    if "status" in cells:
        status = cells["status"].lower() or Clinic.Status.PUBLISHED
        if status not in Clinic.Status.values:
            errors.append(("status", f"must be one of {', '.join(Clinic.Status.values)}, not “{cells['status']}”."))
        values["status"] = status

    state = cells.get("state", "").upper()
    if state and state not in US_STATES:
        errors.append(("state", f"“{cells['state']}” is not a US state code; use two letters, e.g. TX."))
    values["state"] = state
    zip_code = cells.get("zip_code", "")
    if re.fullmatch(r"[0-9]{4}", zip_code):
        zip_code = "0" + zip_code  # a spreadsheet dropped the leading zero
    values["zip_code"] = zip_code
    place = known.places.get(zip_code)
    if zip_code and not re.fullmatch(r"[0-9]{5}", zip_code):
        errors.append(("zip_code", f"“{cells['zip_code']}” is not a five-digit ZIP code."))
    elif zip_code and place is None:
        errors.append(("zip_code", f"{zip_code} is not a known US ZIP code."))
    elif place and state and place.state != state:
        errors.append(("zip_code", f"{zip_code} is in {place.state}, not in {state}."))
    if "latitude" in cells or "longitude" in cells:
        _check_coordinates(cells, place, values, errors)
    elif place:
        result.new_location = _zip_area(place)

    if "phone" in cells:
        digits = phone_digits(cells["phone"])
        if cells["phone"] and not digits:
            errors.append(("phone", f"“{cells['phone']}” is not a US phone number with area code."))
        values["phone"] = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if digits else ""
    if cells.get("email"):
        try:
            CHECK_EMAIL(cells["email"])
        except ValidationError:
            errors.append(("email", f"“{cells['email']}” is not an e-mail address."))
        if len(cells["email"]) > 254:
            errors.append(("email", "is longer than 254 characters."))
    if "email" in cells:
        values["email"] = cells["email"]
    if cells.get("website"):
        try:
            CHECK_URL(cells["website"])
        except ValidationError:
            errors.append(("website", "must be a full web address starting with http:// or https://."))
        if len(cells["website"]) > 200:
            errors.append(("website", "is longer than 200 characters."))
    if "website" in cells:
        values["website"] = cells["website"]
    if cells.get("medical_director_npi") and not npi_is_valid(cells["medical_director_npi"]):
        errors.append(("medical_director_npi", f"“{cells['medical_director_npi']}” is not a valid NPI (ten digits)."))
    if "medical_director_npi" in cells:
        values["medical_director_npi"] = cells["medical_director_npi"]

    for column in BOOLEAN_FIELDS:
        if column in cells:
            answer = cells[column].lower()
            if answer not in YES | NO | {""}:
                errors.append((column, f"must be yes or no, not “{cells[column]}”."))
            default = Clinic._meta.get_field(column).default
            values[column] = answer in YES if answer else default
    if "session_monitored_by" in cells:
        monitor = cells["session_monitored_by"].strip().lower().replace(" ", "_")
        if monitor and monitor not in MonitoredBy.values:
            errors.append(("session_monitored_by", f"must be one of {', '.join(MonitoredBy.values)}, or empty."))
        values["session_monitored_by"] = monitor if monitor in MonitoredBy.values else ""
    if "observation_minutes" in cells:
        minutes = cells["observation_minutes"].strip()
        if minutes and not (minutes.isascii() and minutes.isdigit() and int(minutes) <= 24 * 60):
            errors.append(("observation_minutes", f"must be a number of minutes up to 1440, not “{minutes[:20]}”."))
        values["observation_minutes"] = int(minutes) if minutes.isascii() and minutes.isdigit() else None
    if "payment_options" in cells:
        chosen = set()
        for part in _split(cells["payment_options"], ";"):
            if option := PAYMENT_WORDS.get(" ".join(words_of(part))):
                chosen.add(option)
            else:
                errors.append(("payment_options", f"“{part}” is not a payment option ({', '.join(PAYMENT_OPTIONS)})."))
        for option, field_name in PAYMENT_OPTIONS.items():
            values[field_name] = option in chosen
    if "treatments" in cells:
        result.offers = _check_offers(cells["treatments"], known, errors)
    if "conditions" in cells:
        for part in _split(cells["conditions"], ";"):
            if (slug := known.slug_of("condition", part)) is None:
                errors.append(("conditions", f"“{part}” is not a condition we know."))
            else:
                result.conditions.append(known.conditions[slug])
    if "languages" in cells:
        for part in _split(cells["languages"], ";"):
            if (pk := known.languages.get(part.casefold())) is None:
                errors.append(("languages", f"“{part}” is not a language we know."))
            else:
                result.languages.append(pk)
    if not errors:
        result.action = "create"
        values["source_name"] = source
        values["external_id"] = cells.get("external_id", "")
    return result


def _check_coordinates(cells: dict[str, str], place: Place | None, values: dict, errors: list) -> None:
    latitude, longitude = cells.get("latitude", ""), cells.get("longitude", "")
    if not latitude and not longitude:
        if place:
            values.update(_zip_area(place))
        return
    try:
        point = round(float(latitude), 6), round(float(longitude), 6)
    except ValueError:
        errors.append(("latitude", "give both latitude and longitude as decimal degrees, or neither."))
        return
    if not any(south <= point[0] <= north and west <= point[1] <= east for south, north, west, east in US_BOXES):
        errors.append(("latitude", f"{point[0]}, {point[1]} is not in the United States."))
    values.update(latitude=point[0], longitude=point[1], location_precision=Clinic.LocationPrecision.EXACT)


def _zip_area(place: Place) -> dict:
    """Where a clinic known only by its ZIP code is placed: the ZIP code's center, marked approximate."""
    return {
        "latitude": place.latitude,
        "longitude": place.longitude,
        "location_precision": Clinic.LocationPrecision.ZIP_AREA,
    }


def _check_offers(cell: str, known: Known, errors: list) -> list[Offer]:
    offers: list[Offer] = []
    for part in _split(cell, ";"):
        head, *clauses = [clause.strip() for clause in CLAUSE_SEPARATOR.split(part) if clause.strip()]
        match = OFFER.match(head)
        if not match:
            errors.append(("treatments", f"“{part}” should read like “IV: $400-$600 per session, 6 sessions”."))
            continue
        slug = known.slug_of("treatment", match["name"])
        if slug is None:
            errors.append(("treatments", f"“{match['name'].strip()}” is not a treatment we know."))
            continue
        low = int(match["low"].replace(",", ""))
        high = int((match["high"] or match["low"]).replace(",", ""))
        unit = PRICE_UNITS.get((match["unit"] or "session").lower().rstrip("s"))
        if low <= 0 or low > high:
            errors.append(
                ("treatments", f"{match['name'].strip()}: the lowest price must be over $0 and not above the highest.")
            )
        if unit is None:
            errors.append(
                (
                    "treatments",
                    f"{match['name'].strip()}: “{match['unit']}” is not a price unit ({', '.join(PRICE_UNITS)}).",
                )
            )
        offer = Offer(known.treatments[slug], low, high, unit, None, False, [])
        for clause in clauses:
            if sessions := SESSIONS.match(clause):
                offer.course_sessions = int(sessions["count"])
                if not 1 <= offer.course_sessions <= 100:
                    errors.append(("treatments", f"{match['name'].strip()}: a course has 1 to 100 sessions."))
            elif clause.lower() == "bills insurance":
                offer.bills_insurance = True
            elif clause.lower().startswith("bills "):
                offer.bills_insurance = True
                for name in _split(clause[len("bills ") :], "/"):
                    if (carrier := known.slug_of("insurance", name)) is None:
                        errors.append(("treatments", f"“{name}” is not an insurance carrier we know."))
                    else:
                        offer.carriers.append(known.carriers[carrier])
            else:
                errors.append(
                    ("treatments", f"{match['name'].strip()}: “{clause}” is neither “N sessions” nor “bills …”.")
                )
        if any(earlier.treatment_type == offer.treatment_type for earlier in offers):
            errors.append(("treatments", f"{offer.treatment_type.short_name} is listed twice."))
        offers.append(offer)
    return offers
