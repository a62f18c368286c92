"""Clinics as spreadsheet rows: the column schema, reading CSV and JSON Lines files, and writing listings out.

The same schema goes both ways (`clinics/importing/` checks and applies rows), so a file written
by `export_rows` imports back unchanged. Cells a spreadsheet would run as a formula are written
with an apostrophe before them.
"""

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from clinics.models import Clinic, ClinicTreatment, Condition, InsuranceCarrier, Language, TreatmentType

EXPORT_CHUNK = 5000  # listings read at once
MAX_IMPORT_BYTES = 10 * 1024 * 1024  # under the admin's request body limit, with room for the form
COLUMNS = [
    "source",
    "external_id",
    "slug",
    "status",
    "name",
    "description",
    "street",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "email",
    "website",
    "hours",
    "medical_director",
    "medical_director_credentials",
    "medical_director_npi",
    "first_visit",
    "accepting_new_patients",
    "offers_telehealth",
    "offers_integration_therapy",
    "spravato_rems_certified",
    "session_monitored_by",
    "observation_minutes",
    "payment_options",
    "treatments",
    "conditions",
    "languages",
]
REQUIRED_COLUMNS = ["name", "street", "city", "state", "zip_code"]
# Columns that say which listing a row is, not what it holds: never compared or changed on an update.
IDENTITY_COLUMNS = {"source", "external_id", "slug"}
TEXT_FIELDS = [
    "name",
    "description",
    "street",
    "city",
    "hours",
    "medical_director",
    "medical_director_credentials",
    "first_visit",
]
BOOLEAN_FIELDS = [
    "accepting_new_patients",
    "offers_telehealth",
    "offers_integration_therapy",
    "spravato_rems_certified",
]
PAYMENT_OPTIONS = {
    "financing": "offers_financing",
    "sliding scale": "offers_sliding_scale",
    "superbill": "offers_superbill",
    "clinical trials": "refers_to_clinical_trials",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Cells whose own format may start with one of those characters ("-97.7", "+1 512 ...").
NOT_FORMULAS = {"latitude", "longitude", "phone"}


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass
class Offer:
    treatment_type: TreatmentType
    price_min: int
    price_max: int
    price_unit: str
    course_sessions: int | None
    bills_insurance: bool
    carriers: list[InsuranceCarrier]


def read_rows(data: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as (line number, {column: cell}); ImportFileError when it cannot be read."""
    if not data:
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it into parts.")
    kind = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if kind not in {"csv", "jsonl", "ndjson"}:
        raise ImportFileError("Upload a CSV file (.csv) or a JSON Lines file (.jsonl).")
    if b"\x00" in data:
        raise ImportFileError("This is not a text file. Save the spreadsheet as CSV (UTF-8) or JSON Lines.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not). In Excel save it as "
            "“CSV UTF-8”; in other programs choose the UTF-8 encoding."
        ) from None
    rows = _read_json_lines(text) if kind in {"jsonl", "ndjson"} else _read_csv(text)
    if not rows:
        raise ImportFileError("The file has no rows of clinics.")
    return rows


def _check_columns(columns: list[str]) -> None:
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            "The columns are listed in the README, under “Importing clinics”."
        )
    if missing := [column for column in REQUIRED_COLUMNS if column not in columns]:
        raise ImportFileError(f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
    if len(set(columns)) < len(columns):
        repeated = sorted({column for column in columns if columns.count(column) > 1})
        raise ImportFileError(f"A column appears twice: {', '.join(repeated)}.")


def _column_name(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        columns = [_column_name(name) for name in header]
        _check_columns(columns)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                row = dict(zip(columns, cells, strict=False))
                if len(cells) > len(columns):
                    row["__extra__"] = "yes"
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"The file is not valid CSV (line {reader.line_num}: {error}).") from None
    return rows


def _read_json_lines(text: str) -> list[tuple[int, dict[str, str]]]:
    rows = []
    columns: set[str] = set()
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            if not rows and line == 1:
                raise ImportFileError("The file is not JSON Lines: its first line is not a JSON object.") from None
            rows.append((line, {"__invalid__": "This line is not a JSON object."}))
            continue
        if not isinstance(record, dict):
            rows.append((line, {"__invalid__": "This line is not a JSON object."}))
            continue
        row = {}
        for key, value in record.items():
            column = _column_name(str(key))
            columns.add(column)
            if isinstance(value, bool):
                row[column] = "yes" if value else "no"
            elif value is None:
                row[column] = ""
            elif isinstance(value, str | int | float):
                row[column] = str(value)
            else:
                row.setdefault("__invalid__", f"{column} must be text or a number, not a list or object.")
        rows.append((line, row))
    _check_columns([column for column in COLUMNS if column in columns] + sorted(columns - set(COLUMNS)))
    return rows


def rows_of(clinic_ids: list[int]) -> dict[int, dict[str, str]]:
    """These listings as rows of the schema, by primary key: a handful of flat queries, however many."""
    treatments = TreatmentType.objects.in_bulk()
    carriers = InsuranceCarrier.objects.in_bulk()
    condition_names = dict(Condition.objects.values_list("pk", "name"))
    language_names = dict(Language.objects.values_list("pk", "name"))
    offers: dict[int, list[Offer]] = defaultdict(list)
    by_offer: dict[int, Offer] = {}
    offer_rows = ClinicTreatment.objects.filter(clinic_id__in=clinic_ids).values_list(
        "pk",
        "clinic_id",
        "treatment_type_id",
        "price_min",
        "price_max",
        "price_unit",
        "course_sessions",
        "bills_insurance",
    )
    for pk, clinic_id, treatment_id, *price in offer_rows:
        offer = by_offer[pk] = Offer(treatments[treatment_id], *price, carriers=[])
        offers[clinic_id].append(offer)
    billed = ClinicTreatment.carriers.through.objects.filter(clinictreatment__clinic_id__in=clinic_ids)
    for offer_id, carrier_id in billed.values_list("clinictreatment_id", "insurancecarrier_id"):
        by_offer[offer_id].carriers.append(carriers[carrier_id])
    conditions: dict[int, list[str]] = defaultdict(list)
    treated = Clinic.conditions.through.objects.filter(clinic_id__in=clinic_ids)
    for clinic_id, condition_id in treated.values_list("clinic_id", "condition_id"):
        conditions[clinic_id].append(condition_names[condition_id])
    languages: dict[int, list[str]] = defaultdict(list)
    spoken = Clinic.languages.through.objects.filter(clinic_id__in=clinic_ids)
    for clinic_id, language_id in spoken.values_list("clinic_id", "language_id"):
        languages[clinic_id].append(language_names[language_id])
    return {
        values["pk"]: written(values, offers[values["pk"]], conditions[values["pk"]], languages[values["pk"]])
        for values in Clinic.objects.filter(pk__in=clinic_ids).values("pk", *CLINIC_FIELDS)
    }


CLINIC_FIELDS = [
    "source_name",
    "external_id",
    "slug",
    "status",
    *TEXT_FIELDS,
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "location_precision",
    "phone",
    "email",
    "website",
    "medical_director_npi",
    *BOOLEAN_FIELDS,
    "session_monitored_by",
    "observation_minutes",
    *PAYMENT_OPTIONS.values(),
]


def written(values: dict, offers: list[Offer], conditions: list[str], languages: list[str]) -> dict[str, str]:
    approximate = values.get("location_precision") == Clinic.LocationPrecision.ZIP_AREA
    cells = {
        "source": values.get("source_name", ""),
        "external_id": values.get("external_id", ""),
        "slug": values.get("slug", ""),
        "status": values.get("status", Clinic.Status.PUBLISHED),
        **{column: values.get(column, "") for column in TEXT_FIELDS},
        "state": values.get("state", ""),
        "zip_code": values.get("zip_code", ""),
        "latitude": "" if approximate or "latitude" not in values else f"{values['latitude']:.6f}",
        "longitude": "" if approximate or "longitude" not in values else f"{values['longitude']:.6f}",
        "phone": values.get("phone", ""),
        "email": values.get("email", ""),
        "website": values.get("website", ""),
        "medical_director_npi": values.get("medical_director_npi", ""),
        **{column: "yes" if values.get(column) else "no" for column in BOOLEAN_FIELDS},
        "session_monitored_by": values.get("session_monitored_by", ""),
        "observation_minutes": "" if values.get("observation_minutes") is None else str(values["observation_minutes"]),
        "payment_options": "; ".join(option for option, name in PAYMENT_OPTIONS.items() if values.get(name)),
        "treatments": "; ".join(
            _offer_text(offer) for offer in sorted(offers, key=lambda offer: offer.treatment_type.position)
        ),
        "conditions": "; ".join(sorted(conditions)),
        "languages": "; ".join(sorted(languages)),
    }
    return cells


def _offer_text(offer: Offer) -> str:
    price = f"${offer.price_min}" if offer.price_min == offer.price_max else f"${offer.price_min}-${offer.price_max}"
    parts = [f"{offer.treatment_type.short_name}: {price} per {offer.price_unit}"]
    if offer.course_sessions:
        parts.append(f"{offer.course_sessions} sessions")
    if offer.carriers:
        parts.append("bills " + " / ".join(sorted(carrier.name for carrier in offer.carriers)))
    elif offer.bills_insurance:
        parts.append("bills insurance")
    return ", ".join(parts)


def neutralized(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: an apostrophe before =, +, -, @."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def export_rows(clinics) -> list[dict[str, str]]:
    """The clinics as rows of the schema, formula characters neutralized (coordinates are plain numbers)."""
    ids = list(clinics.order_by("pk").values_list("pk", flat=True))
    rows = []
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = rows_of(ids[start : start + EXPORT_CHUNK])
        rows += [
            {column: value if column in NOT_FORMULAS else neutralized(value) for column, value in chunk[pk].items()}
            for pk in ids[start : start + EXPORT_CHUNK]
        ]
    return rows


def write_csv(rows: list[dict[str, str]], out: io.TextIOBase) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)


def write_json_lines(rows: list[dict[str, str]], out: io.TextIOBase) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
