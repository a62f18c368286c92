"""A listing's editable values as plain JSON data: snapshots, field-by-field diffs, conflicts.

A snapshot is a dict of the clinic's own fields, the ids of its conditions and languages (sorted),
and its treatment offers (sorted by treatment type id), each with the ids of the carriers it bills. Pending changes
store two of them: the listing as the member saw it (`base`) and as they propose it.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from clinics.models import (
    Clinic,
    ClinicPhoto,
    ClinicTreatment,
    Condition,
    InsuranceCarrier,
    Language,
    MonitoredBy,
    TreatmentType,
)

SCALAR_FIELDS = [
    "name",
    "description",
    "street",
    "city",
    "state",
    "zip_code",
    "phone",
    "email",
    "website",
    "hours",
    "medical_director",
    "medical_director_credentials",
    "first_visit",
    "accepting_new_patients",
    "offers_telehealth",
    "offers_integration_therapy",
    "offers_financing",
    "offers_sliding_scale",
    "offers_superbill",
    "refers_to_clinical_trials",
    "spravato_rems_certified",
    "session_monitored_by",
    "observation_minutes",
]
DERIVED_FIELDS = ["latitude", "longitude"]  # follow the ZIP code; never typed by members
RELATED_FIELDS = {"conditions": Condition, "languages": Language}
TREATMENT_FIELDS = [
    "treatment_type",
    "price_min",
    "price_max",
    "price_unit",
    "course_sessions",
    "bills_insurance",
    "carriers",
    "notes",
]
PHOTO_FIELDS = ["logo", "photos"]  # the public logo's id (or None) and the public photos' ids
DIFF_FIELDS = [*SCALAR_FIELDS, *RELATED_FIELDS, "treatments", *PHOTO_FIELDS]


def clinic_snapshot(clinic: Clinic) -> dict[str, Any]:
    """The clinic's editable values as they are in the database now."""
    snapshot: dict[str, Any] = {name: getattr(clinic, name) for name in SCALAR_FIELDS + DERIVED_FIELDS}
    for name in RELATED_FIELDS:
        snapshot[name] = sorted(getattr(clinic, name).values_list("pk", flat=True))
    offers = ClinicTreatment.objects.filter(clinic=clinic).prefetch_related("carriers")
    snapshot["treatments"] = sorted(map(offer_snapshot, offers), key=lambda offer: offer["treatment_type"])
    public = list(ClinicPhoto.objects.public().filter(clinic=clinic).values_list("pk", "kind"))
    snapshot["logo"] = next((pk for pk, kind in public if kind == ClinicPhoto.Kind.LOGO), None)
    snapshot["photos"] = sorted(pk for pk, kind in public if kind == ClinicPhoto.Kind.PHOTO)
    return snapshot


def offer_snapshot(offer: ClinicTreatment) -> dict[str, Any]:
    values = {name: getattr(offer, name) for name in TREATMENT_FIELDS if name not in ("treatment_type", "carriers")}
    values["treatment_type"] = offer.treatment_type_id
    values["carriers"] = sorted(carrier.pk for carrier in offer.carriers.all())
    return values


def new_photo_ids(change_base: dict, proposed: dict) -> list[int]:
    """Photos (and a logo) uploaded with a proposal: in it, but not in the listing it started from."""
    before = set(change_base.get("photos") or []) | {change_base.get("logo")}
    after = set(proposed.get("photos") or []) | {proposed.get("logo")}
    return sorted(pk for pk in after - before if pk is not None)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the fields whose values differ, in form order."""
    return [name for name in DIFF_FIELDS if before.get(name) != after.get(name)]


def conflicting_fields(change_base: dict, proposed: dict, current: dict) -> list[str]:
    """Fields the proposal changes that someone else has changed differently since it was started."""
    return [
        name
        for name in changed_fields(change_base, proposed)
        if current.get(name) != change_base.get(name) and current.get(name) != proposed.get(name)
    ]


def apply_snapshot(clinic: Clinic, values: dict[str, Any], fields: list[str]) -> None:
    """Write the given fields of a snapshot to the clinic (saved first) and its related rows."""
    for name in fields:
        if name in SCALAR_FIELDS:
            setattr(clinic, name, values[name])
    if "zip_code" in fields:
        clinic.latitude, clinic.longitude = values["latitude"], values["longitude"]
    clinic.full_clean()
    clinic.save()
    for name in RELATED_FIELDS:
        if name in fields:
            getattr(clinic, name).set(values[name])
    if "treatments" in fields:
        wanted = {offer["treatment_type"]: offer for offer in values["treatments"]}
        ClinicTreatment.objects.filter(clinic=clinic).exclude(treatment_type_id__in=wanted).delete()
        for type_id, offer in wanted.items():
            row = ClinicTreatment.objects.filter(clinic=clinic, treatment_type_id=type_id).first()
            row = row or ClinicTreatment(clinic=clinic, treatment_type_id=type_id)
            for name in TREATMENT_FIELDS[1:]:
                if name != "carriers":
                    setattr(row, name, offer[name])
            row.full_clean()
            row.save()
            row.carriers.set(offer["carriers"])
    photos = ClinicPhoto.objects.filter(clinic=clinic)
    if "logo" in fields:
        photos.filter(kind=ClinicPhoto.Kind.LOGO, status=ClinicPhoto.Status.PUBLIC).exclude(pk=values["logo"]).update(
            status=ClinicPhoto.Status.REMOVED
        )
        photos.filter(kind=ClinicPhoto.Kind.LOGO, pk=values["logo"]).update(status=ClinicPhoto.Status.PUBLIC)
    if "photos" in fields:
        photos.filter(kind=ClinicPhoto.Kind.PHOTO, status=ClinicPhoto.Status.PUBLIC).exclude(
            pk__in=values["photos"]
        ).update(status=ClinicPhoto.Status.REMOVED)
        photos.filter(kind=ClinicPhoto.Kind.PHOTO, pk__in=values["photos"]).update(status=ClinicPhoto.Status.PUBLIC)


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    current: str | None = None  # the live value, when it differs from `old`
    conflict: bool = False


def _labels() -> dict[str, str]:
    labels = {name: Clinic._meta.get_field(name).verbose_name.capitalize() for name in SCALAR_FIELDS}
    labels.update(
        zip_code="ZIP code",
        medical_director_credentials="Medical director's credentials",
        first_visit="What a first visit looks like",
        spravato_rems_certified="REMS-certified for Spravato",
        session_monitored_by="Who watches patients during a session",
        observation_minutes="Usual observation time after a session (minutes)",
        conditions="Conditions treated",
        languages="Languages",
        treatments="Treatments and prices",
        logo="Logo",
        photos="Photos",
    )
    return labels


class Describer:
    """Turns snapshot values into words, loading every name it needs in one query per table."""

    def __init__(self, *snapshots: dict[str, Any]):
        ids: dict[str, set[int]] = {name: set() for name in RELATED_FIELDS}
        for snapshot in snapshots:
            for name in RELATED_FIELDS:
                ids[name].update(snapshot.get(name) or [])
        self.names = {
            name: dict(model.objects.filter(pk__in=ids[name]).values_list("pk", "name"))
            for name, model in RELATED_FIELDS.items()
        }
        self.treatment_names = dict(TreatmentType.objects.values_list("pk", "name"))

    @cached_property
    def carrier_names(self) -> dict[int, str]:
        """Loaded only when an offer with carriers is described."""
        return dict(InsuranceCarrier.objects.values_list("pk", "name"))

    def __call__(self, name: str, value: Any) -> str:
        if name in RELATED_FIELDS:
            return ", ".join(sorted(self.names[name].get(pk, f"#{pk}") for pk in value or [])) or "(none)"
        if name == "logo":
            return f"Logo #{value}" if value else "(none)"
        if name == "photos":
            return f"{len(value or [])} photo(s)" + (f": #{', #'.join(map(str, value))}" if value else "")
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if name == "session_monitored_by" and value:
            return MonitoredBy(value).label
        return str(value) if value not in (None, "") else "(empty)"

    def offer(self, offer: dict | None) -> str:
        """One treatment offer in words, without the treatment's name; "not offered" for None."""
        if offer is None:
            return "Not offered"
        unit = ClinicTreatment.PriceUnit(offer["price_unit"]).label
        text = f"${offer['price_min']}-${offer['price_max']} {unit}"
        if offer["course_sessions"]:
            text += f", first course {offer['course_sessions']} sessions"
        if offer["bills_insurance"] and offer["carriers"]:
            carriers = ", ".join(sorted(self.carrier_names.get(pk, f"#{pk}") for pk in offer["carriers"]))
            text += f", bills insurance ({carriers})"
        elif offer["bills_insurance"]:
            text += ", bills insurance"
        if offer["notes"]:
            text += f" ({offer['notes']})"
        return text


def describe_changes(
    change_base: dict, proposed: dict, current: dict | None = None, describe: Describer | None = None
) -> list[FieldChange]:
    """The proposal's changes in words, with the live value and a conflict flag where it moved on.

    Pass one `describe` built over many snapshots to describe many changes in a fixed number of queries.
    """
    describe = describe or Describer(change_base, proposed, current or {})
    labels = _labels()
    conflicts = set(conflicting_fields(change_base, proposed, current)) if current is not None else set()
    rows = []
    for name in changed_fields(change_base, proposed):
        moved = current is not None and current.get(name) != change_base.get(name)
        if name == "treatments":
            rows += _treatment_rows(change_base, proposed, current if moved else None, describe, name in conflicts)
            continue
        rows.append(
            FieldChange(
                name=name,
                label=labels[name],
                old=describe(name, change_base.get(name)),
                new=describe(name, proposed.get(name)),
                current=describe(name, current.get(name)) if moved else None,
                conflict=name in conflicts,
            )
        )
    return rows


def _treatment_rows(change_base, proposed, current, describe: Describer, conflict: bool) -> list[FieldChange]:
    """One row per treatment whose offer changed, so a price change reads as one line."""

    def by_type(snapshot):
        return {offer["treatment_type"]: offer for offer in (snapshot or {}).get("treatments") or []}

    old, new, live = by_type(change_base), by_type(proposed), by_type(current)
    rows = []
    for type_id in sorted(set(old) | set(new)):
        if old.get(type_id) == new.get(type_id):
            continue
        rows.append(
            FieldChange(
                name="treatments",
                label=describe.treatment_names.get(type_id, "Treatment"),
                old=describe.offer(old.get(type_id)),
                new=describe.offer(new.get(type_id)),
                current=describe.offer(live.get(type_id)) if current is not None else None,
                conflict=conflict,
            )
        )
    return rows
