"""Importing clinics from a spreadsheet: each row checked, matched to a listing, and applied.

`import_clinics(data, file_name=..., source=..., commit=...)` reads a whole file and returns a report
with one result per row (create, update, unchanged, possible duplicate or error). Nothing is written
unless `commit` is true; then every valid row is applied in one transaction, under an advisory lock
so that two imports at once cannot both create the same clinic. The file format is in
`clinics/spreadsheets.py`.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from clinics.keywords import build_vocabulary, words_of
from clinics.models import (
    Clinic,
    ClinicTreatment,
    Condition,
    ConfirmedBy,
    ConfirmedHow,
    InsuranceCarrier,
    Language,
    Membership,
    Place,
    PossibleDuplicate,
    TreatmentType,
)
from clinics.models.listings import MonitoredBy, npi_is_valid
from clinics.places import US_STATES
from clinics.spreadsheets import (
    BOOLEAN_FIELDS,
    FORMULA_START,
    IDENTITY_COLUMNS,
    NOT_FORMULAS,
    PAYMENT_OPTIONS,
    REQUIRED_COLUMNS,
    TEXT_FIELDS,
    Offer,
    read_rows,
    rows_of,
    written,
)
from directory.caching import listings_changed, one_version_for_many_changes

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


@dataclass
class ImportReport:
    rows: list[RowResult]
    committed: bool

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "error"]

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.count(action)} {label}"
            for action, label in [
                ("create", "to create" if not self.committed else "created"),
                ("update", "to update" if not self.committed else "updated"),
                ("unchanged", "unchanged"),
                ("duplicate", "possible duplicates"),
                ("error", "with errors"),
            ]
        )
        return f"{len(self.rows)} rows: {counts}."


@dataclass
class Known:
    """What rows are checked and matched against, read once per import."""

    vocabulary: object
    treatments: dict[str, TreatmentType]
    carriers: dict[str, InsuranceCarrier]
    conditions: dict[str, int]
    languages: dict[str, int]
    places: dict[str, Place]
    by_external_id: dict[tuple[str, str], int]
    by_slug: dict[str, int]
    by_phone: dict[str, int]
    by_domain: dict[str, int]
    by_name_zip: dict[tuple[str, str], int]
    condition_names: dict[int, str]
    language_names: dict[int, str]

    @classmethod
    def load(cls, zip_codes: set[str]) -> "Known":
        by_external_id, by_slug, by_phone, by_domain, by_name_zip = {}, {}, {}, {}, {}
        rows = Clinic.objects.values_list(
            "pk", "slug", "source_name", "external_id", "phone", "website", "name", "zip_code"
        )
        for pk, slug, source_name, external_id, phone, website, name, zip_code in rows.iterator(chunk_size=5000):
            by_slug[slug] = pk
            if external_id:
                by_external_id[(source_name, external_id)] = pk
            if digits := phone_digits(phone):
                by_phone.setdefault(digits, pk)
            if domain := website_domain(website):
                by_domain.setdefault(domain, pk)
            by_name_zip.setdefault((name_key(name), zip_code), pk)
        return cls(
            vocabulary=build_vocabulary(),
            treatments={treatment.slug: treatment for treatment in TreatmentType.objects.all()},
            carriers={carrier.slug: carrier for carrier in InsuranceCarrier.objects.all()},
            conditions=dict(Condition.objects.values_list("slug", "pk")),
            languages={
                key.casefold(): pk
                for pk, name, code in Language.objects.values_list("pk", "name", "code")
                for key in (name, code)
            },
            places=Place.objects.in_bulk(list(zip_codes)),
            by_external_id=by_external_id,
            by_slug=by_slug,
            by_phone=by_phone,
            by_domain=by_domain,
            by_name_zip=by_name_zip,
            condition_names=dict(Condition.objects.values_list("pk", "name")),
            language_names=dict(Language.objects.values_list("pk", "name")),
        )

    def slug_of(self, kind: str, text: str) -> str | None:
        """The treatment, condition or insurance slug a name or everyday word stands for (one, not a group)."""
        meaning = self.vocabulary.phrases.get(words_of(text))
        if meaning and meaning.parameter == kind and len(meaning.values) == 1:
            return meaning.values[0]
        return None


def phone_digits(phone: str) -> str:
    """The ten digits of a US phone number, or "" when it is not one."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return ""
    return digits


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def name_key(name: str) -> str:
    return " ".join(words_of(name))


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


def match_rows(results: list[RowResult], known: Known) -> None:
    """Turn each valid row into a create, an update, unchanged or a possible duplicate."""
    matched: dict[int, RowResult] = {}
    for result in results:
        if result.action == "error":
            continue
        values = result.values
        key = (values["source_name"], values["external_id"])
        pk = known.by_external_id.get(key) if values["external_id"] else None
        if pk is None and result.cells.get("slug"):
            pk = known.by_slug.get(result.cells["slug"])  # not found: a new listing, at that address if free
        if pk is not None:
            if pk in matched:
                result.errors.append(("", f"This row is the same listing as line {matched[pk].line}."))
            matched[pk] = result
            result.action = "update"
            result.clinic = Clinic(pk=pk)
        elif not values["source_name"]:
            result.errors.append(("source", "name the source of a new listing (the source column, or --source)."))
        elif reason := _looks_like(result, known):
            result.action, result.reason, result.clinic = "duplicate", reason[0], Clinic(pk=reason[1])
        if result.errors:
            result.action = "error"
    # A possible duplicate that says exactly what its listing says is that listing, imported before
    # from a file without external ids: unchanged, so importing such a file twice changes nothing.
    compared = [result for result in results if result.action in ("update", "duplicate")]
    now = rows_of([result.clinic.pk for result in compared])
    for result in compared:
        then = cells_of(result, known)
        result.changed = [
            column
            for column in then
            if column not in IDENTITY_COLUMNS and then[column] != now[result.clinic.pk][column]
        ]
        if not result.changed:
            result.action = "unchanged"
    changing = [result for result in results if result.action in ("update", "duplicate")]
    clinics = Clinic.objects.in_bulk([result.clinic.pk for result in changing])
    claimed = set(Membership.objects.filter(clinic__in=clinics).values_list("clinic_id", flat=True))
    for result in changing:
        result.clinic = clinics[result.clinic.pk]
        if result.action == "update" and result.clinic.pk in claimed:
            result.action = "error"
            result.errors.append(("", f"{result.clinic} is kept by the clinic's staff; ask them to change it."))


def _looks_like(result: RowResult, known: Known) -> tuple[str, int] | None:
    """(reason, clinic pk) when a new row shares a phone, website or name and ZIP with a listing; else None."""
    values = result.values
    checks = [
        ("same phone number", known.by_phone, phone_digits(values.get("phone", ""))),
        ("same website", known.by_domain, website_domain(values.get("website", ""))),
        (
            "same name and ZIP code",
            known.by_name_zip,
            (name_key(values["name"]), values["zip_code"]) if values["name"] else None,
        ),
    ]
    for reason, index, key in checks:
        if key and (pk := index.get(key)) is not None:
            return reason, pk
    return None


def cells_of(result: RowResult, known: Known) -> dict[str, str]:
    """A checked row written back in the export's form, for the columns the file has."""
    cells = written(
        result.values,
        result.offers,
        [known.condition_names[pk] for pk in result.conditions],
        [known.language_names[pk] for pk in result.languages],
    )
    return {column: cells[column] for column in result.cells if column in cells}


def import_clinics(data: bytes, *, file_name: str, source: str = "", commit: bool = False, user=None) -> ImportReport:
    """Check every row of the file; with `commit`, apply the valid ones in one transaction."""
    rows = read_rows(data, file_name)
    zip_codes = {cells.get("zip_code", "").strip().zfill(5) for _, cells in rows}
    if not commit:
        results = _checked(rows, zip_codes, source)
        return ImportReport(results, committed=False)
    with transaction.atomic(), one_version_for_many_changes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('clinic-import'))")
        results = _checked(rows, zip_codes, source)
        _apply(results, user)
        listings_changed()
    return ImportReport(results, committed=True)


def _checked(rows: list[tuple[int, dict[str, str]]], zip_codes: set[str], source: str) -> list[RowResult]:
    known = Known.load(zip_codes)
    results = [check_row(line, cells, known, source) for line, cells in rows]
    _repeats_within_file(results)
    match_rows(results, known)
    return results


def _repeats_within_file(results: list[RowResult]) -> None:
    """Two rows of one file with the same external id, phone or website are an error in the later one."""
    seen: dict[tuple[str, object], int] = {}
    for result in results:
        if result.action == "error":
            continue
        values = result.values
        keys = [
            ("id", (values["source_name"], values["external_id"]) if values["external_id"] else None),
            ("phone", phone_digits(values.get("phone", ""))),
            ("website", website_domain(values.get("website", ""))),
        ]
        for kind, key in keys:
            if not key:
                continue
            if (kind, key) in seen:
                result.action = "error"
                result.errors.append(("", f"Same {kind.replace('id', 'external id')} as line {seen[(kind, key)]}."))
                break
            seen[(kind, key)] = result.line


# The columns that state each of a clinic's own decision facts: a row that has one confirms that fact.
FACT_COLUMNS = {"accepting": "accepting_new_patients", "hours": "hours", "telehealth": "offers_telehealth"}


def _confirm_imported_facts(clinic: Clinic, result: RowResult, now) -> None:
    """The facts the row states are confirmed by this import, now (saved by the caller)."""
    for group, column in FACT_COLUMNS.items():
        if column in result.cells:
            clinic.set_confirmed(group, at=now, by=ConfirmedBy.IMPORT, how=ConfirmedHow.IMPORT)


def _apply(results: list[RowResult], user) -> None:
    today = timezone.localdate()
    now = timezone.now()
    creates = [result for result in results if result.action == "create"]
    taken = set(Clinic.objects.values_list("slug", flat=True))
    new_clinics = []
    for result in creates:
        fields = {"status": Clinic.Status.PUBLISHED, **result.new_location, **result.values}
        clinic = Clinic(**fields, source=Clinic.Source.IMPORT, source_date=today)
        _confirm_imported_facts(clinic, result, now)
        wanted = result.cells.get("slug", "")
        usable = re.fullmatch(r"[-a-z0-9]{3,160}", wanted) and wanted not in taken
        clinic.slug = wanted if usable else _free_slug(clinic, taken)
        taken.add(clinic.slug)
        new_clinics.append(clinic)
    bulk_create_with_history(new_clinics, Clinic, batch_size=1000, default_user=user, default_change_reason="Imported")
    saved = {clinic.slug: clinic for clinic in Clinic.objects.filter(slug__in=[c.slug for c in new_clinics])}
    for result, clinic in zip(creates, new_clinics, strict=True):
        result.clinic = saved[clinic.slug]
    _write_related([(result.clinic, result) for result in creates])
    for result in results:
        if result.action == "update":
            _update(result, user, now)
    changed = [result.clinic.pk for result in results if result.action in ("create", "update")]
    Clinic.objects.filter(pk__in=changed).refresh_facts_confirmed_at()
    PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                clinic=result.clinic,
                source_name=result.values["source_name"],
                line=result.line,
                row=result.cells,
                reason=result.reason,
                fingerprint=hashlib.sha256(json.dumps(result.cells, sort_keys=True).encode()).hexdigest(),
            )
            for result in results
            if result.action == "duplicate"
        ],
        ignore_conflicts=True,
    )


def _free_slug(clinic: Clinic, taken: set[str]) -> str:
    base = slugify(f"{clinic.name} {clinic.city} {clinic.state}")[:150] or "clinic"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _write_related(pairs: list[tuple[Clinic, RowResult]]) -> None:
    """Offers with their carriers, conditions and languages of new (or just cleared) listings, in bulk."""
    offers = [
        (
            ClinicTreatment(
                clinic=clinic,
                treatment_type=offer.treatment_type,
                price_min=offer.price_min,
                price_max=offer.price_max,
                price_unit=offer.price_unit,
                course_sessions=offer.course_sessions,
                bills_insurance=offer.bills_insurance,
                # A price or carrier the file states is confirmed by the import.
                confirmed_at=timezone.now(),
                confirmed_by=ConfirmedBy.IMPORT,
                confirmed_how=ConfirmedHow.IMPORT,
            ),
            offer,
        )
        for clinic, result in pairs
        for offer in result.offers
    ]
    ClinicTreatment.objects.bulk_create([row for row, _ in offers], batch_size=2000)
    _copy(
        ClinicTreatment.carriers.through,
        ["clinictreatment_id", "insurancecarrier_id"],
        ((row.pk, carrier.pk) for row, offer in offers for carrier in offer.carriers),
    )
    _copy(
        Clinic.conditions.through,
        ["clinic_id", "condition_id"],
        ((clinic.pk, pk) for clinic, result in pairs for pk in set(result.conditions)),
    )
    _copy(
        Clinic.languages.through,
        ["clinic_id", "language_id"],
        ((clinic.pk, pk) for clinic, result in pairs for pk in set(result.languages)),
    )


def _copy(model, columns: list[str], rows) -> None:
    """Many rows of a plain link table at once with PostgreSQL's COPY, far cheaper than an INSERT per batch."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608
        for row in rows:
            copy.write_row(row)


def _update(result: RowResult, user, now) -> None:
    """Change a listing to what its row says, for the columns the file has, keeping a version in its history."""
    clinic = result.clinic
    for name, value in result.values.items():
        if name not in ("source_name", "external_id"):
            setattr(clinic, name, value)
    _confirm_imported_facts(clinic, result, now)
    clinic._history_user = user
    clinic._change_reason = "Updated by an import"
    clinic.save()
    if "treatments" in result.cells:
        clinic.clinic_treatments.all().delete()
        _write_related([(clinic, RowResult(0, "", "", offers=result.offers))])
    if "conditions" in result.cells:
        clinic.conditions.set(result.conditions)
    if "languages" in result.cells:
        clinic.languages.set(result.languages)
