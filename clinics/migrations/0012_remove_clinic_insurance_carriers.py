"""Insurance moves from the clinic to its treatment offers.

Each clinic's carriers go onto the offers it bills insurance for. A clinic that named carriers but
billed insurance for no treatment said two things that cannot both be true; its carriers are kept in
an accuracy report for an editor to settle, rather than guessed onto an offer. Pending edits are
rewritten in the new shape.
"""

from django.db import migrations

REPORT_NOTE = (
    "Before insurance was recorded per treatment, this listing named these carriers: {names}. "
    "No treatment was marked as billed to insurance, so they were not moved. Please check which "
    "treatment, if any, the clinic bills them for."
)


def carriers_onto_offers(apps, schema_editor):
    Clinic = apps.get_model("clinics", "Clinic")
    ClinicTreatment = apps.get_model("clinics", "ClinicTreatment")
    ListingReport = apps.get_model("clinics", "ListingReport")
    Through = ClinicTreatment.carriers.through
    links, reports = [], []
    for clinic in Clinic.objects.prefetch_related("insurance_carriers", "clinic_treatments").iterator(chunk_size=2000):
        carriers = list(clinic.insurance_carriers.all())
        if not carriers:
            continue
        billed = [offer for offer in clinic.clinic_treatments.all() if offer.bills_insurance]
        links += [Through(clinictreatment=offer, insurancecarrier=carrier) for offer in billed for carrier in carriers]
        if not billed:
            names = ", ".join(sorted(carrier.name for carrier in carriers))
            reports.append(ListingReport(clinic=clinic, part="insurance", note=REPORT_NOTE.format(names=names)))
        if len(links) > 10_000:
            Through.objects.bulk_create(links)
            links = []
    Through.objects.bulk_create(links)
    ListingReport.objects.bulk_create(reports)


def carriers_onto_clinics(apps, schema_editor):
    ClinicTreatment = apps.get_model("clinics", "ClinicTreatment")
    Clinic = apps.get_model("clinics", "Clinic")
    Through = Clinic.insurance_carriers.through
    pairs = set(ClinicTreatment.carriers.through.objects.values_list("clinictreatment__clinic_id", "insurancecarrier_id"))
    Through.objects.bulk_create([Through(clinic_id=clinic, insurancecarrier_id=carrier) for clinic, carrier in pairs])


def snapshot_in_new_shape(snapshot: dict) -> dict:
    carriers = snapshot.pop("insurance_carriers", None) or []
    for offer in snapshot.get("treatments") or []:
        offer.setdefault("price_unit", "session")
        offer.setdefault("course_sessions", None)
        offer.setdefault("carriers", sorted(carriers) if offer.get("bills_insurance") else [])
    return snapshot


def pending_changes_in_new_shape(apps, schema_editor):
    ChangeRequest = apps.get_model("clinics", "ChangeRequest")
    for change in ChangeRequest.objects.filter(status="pending"):
        change.base = snapshot_in_new_shape(change.base)
        change.proposed = snapshot_in_new_shape(change.proposed)
        change.save(update_fields=["base", "proposed"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0011_offer_insurance_and_price_unit"),
    ]

    operations = [
        migrations.RunPython(carriers_onto_offers, carriers_onto_clinics),
        migrations.RunPython(pending_changes_in_new_shape, migrations.RunPython.noop),
        migrations.RemoveField(model_name="clinic", name="insurance_carriers"),
        migrations.DeleteModel(name="HistoricalClinic_insurance_carriers"),
    ]
