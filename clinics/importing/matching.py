"""Matching checked rows to the listings already here: updates, unchanged rows, possible duplicates, repeats."""

from clinics.importing.known import Known, name_key, phone_digits
from clinics.importing.rows import RowResult
from clinics.models import Clinic, Membership
from clinics.models.listings import website_domain
from clinics.spreadsheets import IDENTITY_COLUMNS, rows_of, written


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


def repeats_within_file(results: list[RowResult]) -> None:
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
