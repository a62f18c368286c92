"""Writing an import's valid rows: new listings in bulk, updates with history, possible duplicates queued."""

import hashlib
import json
import re

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from clinics.freshness import GROUP_OF_FIELD
from clinics.importing.rows import RowResult
from clinics.models import Clinic, ClinicTreatment, ConfirmedBy, ConfirmedHow, PossibleDuplicate


def _confirm_imported_facts(clinic: Clinic, result: RowResult, now) -> None:
    """The facts the row states (a column of a clinic's own fact group) are confirmed by this import, now
    (saved by the caller)."""
    for column, group in GROUP_OF_FIELD.items():
        if column in result.cells:
            clinic.set_confirmed(group, at=now, by=ConfirmedBy.IMPORT, how=ConfirmedHow.IMPORT)


def apply_rows(results: list[RowResult], user) -> None:
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
        taken.add(clinic.slug)  # a slug from the file, or the one _free_slug found
        new_clinics.append(clinic)
    # PostgreSQL returns the new ids, so the clinics created are the objects passed in.
    bulk_create_with_history(new_clinics, Clinic, batch_size=1000, default_user=user, default_change_reason="Imported")
    for result, clinic in zip(creates, new_clinics, strict=True):
        result.clinic = clinic
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
    if result.new_location and result.values.get("zip_code") != clinic.zip_code:
        # A new ZIP code with no coordinates in the file: the old ones belong to the old address.
        for name, value in result.new_location.items():
            setattr(clinic, name, value)
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
