"""Importing clinics from CSV and JSON Lines, and exporting them in the same schema."""

import csv
import io
import json
from pathlib import Path

import pytest
import zipcodes
from django.core.management import call_command
from django.core.management.base import CommandError

from clinics.importing import import_clinics
from clinics.models import Clinic, ClinicTreatment, Membership, Place, PossibleDuplicate
from clinics.spreadsheets import COLUMNS, ImportFileError, export_rows, write_csv, write_json_lines
from tests.factories import make_clinic, make_user

SAMPLE = Path(__file__).resolve().parents[2] / "clinics" / "samples" / "clinics.csv"
AUSTIN_ROW = {
    "source": "Test List",
    "external_id": "T-1",
    "name": "Cedar Hollow Ketamine",
    "street": "12 Cedar Lane",
    "city": "Austin",
    "state": "TX",
    "zip_code": "78701",
    "phone": "512-555-0142",
    "website": "https://cedarhollow.example",
    "treatments": "IV: $450-$600 per session, 6 sessions; Spravato: $700 per session, bills Aetna",
}


def load_places(*zip_codes: str) -> None:
    for zip_code in zip_codes:
        found = zipcodes.matching(zip_code)[0]
        Place.objects.get_or_create(
            zip_code=zip_code,
            defaults={
                "city": found["city"].title(),
                "state": found["state"],
                "latitude": float(found["lat"]),
                "longitude": float(found["long"]),
            },
        )


def sample_zip_codes() -> list[str]:
    with SAMPLE.open(encoding="utf-8", newline="") as sample:
        return [row["zip_code"] for row in csv.DictReader(sample)]


def as_csv(*rows: dict, columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or list(AUSTIN_ROW), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def row(**changes) -> dict:
    return {**AUSTIN_ROW, **changes}


@pytest.fixture
def places(db):
    load_places("78701", "10001", *sample_zip_codes())


def test_the_sample_file_covers_every_column_and_about_twenty_rows():
    with SAMPLE.open(encoding="utf-8", newline="") as sample:
        reader = csv.DictReader(sample)
        rows = list(reader)
    assert reader.fieldnames == COLUMNS
    assert 18 <= len(rows) <= 25
    assert all(any(r[column] for r in rows) for column in COLUMNS if column != "slug")


def test_a_dry_run_of_the_sample_reports_a_create_per_row_and_writes_nothing(places):
    report = import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv")

    assert [r.action for r in report.rows] == ["create"] * 20, [r.describe() for r in report.errors]
    assert report.rows[0].line == 2
    assert not Clinic.objects.exists()


def test_it_imports_the_sample_with_offers_carriers_conditions_and_languages(places):
    report = import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", commit=True)

    assert report.count("create") == 20
    clinic = Clinic.objects.get(external_id="FPL-1003")
    assert clinic.source == Clinic.Source.IMPORT
    assert clinic.source_name == "Fictional Partner List"
    assert clinic.status == Clinic.Status.PUBLISHED
    assert clinic.location_precision == Clinic.LocationPrecision.ZIP_AREA  # no coordinates in the file
    spravato = clinic.clinic_treatments.get(treatment_type__slug="spravato")
    assert (spravato.price_min, spravato.price_max, spravato.course_sessions) == (600, 900, 8)
    assert spravato.bills_insurance
    assert sorted(spravato.carriers.values_list("slug", flat=True)) == ["aetna", "cigna"]
    assert set(clinic.conditions.values_list("slug", flat=True)) == {"fibromyalgia-neuropathic-pain", "crps"} | {
        "migraine-chronic-headache"
    }
    assert set(clinic.languages.values_list("code", flat=True)) == {"en", "es", "vi"}
    first = Clinic.objects.get(external_id="FPL-1001")
    assert first.phone == "(201) 555-0100"
    assert first.location_precision == Clinic.LocationPrecision.EXACT
    assert first.offers_financing and first.offers_superbill and not first.offers_sliding_scale
    course = Clinic.objects.get(external_id="FPL-1007").clinic_treatments.get()
    assert (course.price_min, course.price_unit) == (3000, ClinicTreatment.PriceUnit.COURSE)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(places):
    import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", commit=True)
    before = list(Clinic.objects.order_by("pk").values())

    report = import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", commit=True)

    assert [r.action for r in report.rows] == ["unchanged"] * 20
    assert list(Clinic.objects.order_by("pk").values()) == before


def test_a_changed_row_updates_its_listing_matched_by_source_and_external_id(places):
    import_clinics(as_csv(row()), file_name="a.csv", commit=True)

    report = import_clinics(
        as_csv(row(name="Cedar Hollow Ketamine Care", phone="(512) 555-0143")), file_name="a.csv", commit=True
    )

    assert report.rows[0].action == "update"
    assert set(report.rows[0].changed) == {"name", "phone"}
    clinic = Clinic.objects.get()
    assert clinic.name == "Cedar Hollow Ketamine Care"
    assert clinic.phone == "(512) 555-0143"


def test_it_reads_a_csv_with_a_byte_order_mark_as_excel_saves_it(places):
    report = import_clinics(b"\xef\xbb\xbf" + as_csv(row()), file_name="excel.csv")

    assert report.rows[0].action == "create"


def test_it_reads_json_lines_with_the_same_columns(places):
    lines = json.dumps(row()) + "\n" + json.dumps(row(external_id="T-2", phone="", website="", name="Other"))

    report = import_clinics(lines.encode(), file_name="clinics.jsonl", commit=True)

    assert [r.action for r in report.rows] == ["create", "create"]
    assert Clinic.objects.count() == 2


def test_a_clinic_under_a_differently_written_phone_number_is_flagged_not_doubled(places):
    existing = make_clinic(name="Some Older Listing", phone="(512) 555-0142", website="")

    report = import_clinics(as_csv(row(phone="+1 512.555.0142", website="")), file_name="a.csv", commit=True)

    assert report.rows[0].action == "duplicate"
    assert report.rows[0].clinic == existing
    assert Clinic.objects.count() == 1
    queued = PossibleDuplicate.objects.get()
    assert (queued.clinic, queued.line, queued.reason) == (existing, 2, "same phone number")
    import_clinics(as_csv(row(phone="+1 512.555.0142", website="")), file_name="a.csv", commit=True)
    assert PossibleDuplicate.objects.count() == 1


def test_a_clinic_with_the_same_website_domain_or_name_and_zip_is_a_possible_duplicate(places):
    make_clinic(name="First", phone="", website="http://www.cedarhollow.example/about")
    make_clinic(name="Cedar  Hollow ketamine", phone="", website="", zip_code="78701")

    report = import_clinics(as_csv(row(phone=""), row(external_id="T-2", phone="", website="")), file_name="a.csv")

    assert [r.reason for r in report.rows] == ["same website", "same name and ZIP code"]


BAD_ROWS = [
    ({"state": "XX"}, "state", "not a US state code"),
    ({"zip_code": "00000"}, "zip_code", "not a known US ZIP code"),
    ({"zip_code": "10001"}, "zip_code", "10001 is in NY, not in TX"),
    ({"latitude": "51.5", "longitude": "-0.12"}, "latitude", "not in the United States"),
    ({"treatments": "Ayahuasca: $300 per session"}, "treatments", "“Ayahuasca” is not a treatment we know"),
    ({"conditions": "depression; gout"}, "conditions", "“gout” is not a condition we know"),
    ({"treatments": "IV: $400 per session, bills Acme Health"}, "treatments", "“Acme Health” is not an insurance"),
    ({"treatments": "IV: $600-$400 per session"}, "treatments", "not above the highest"),
    ({"treatments": "IV: $0 per session"}, "treatments", "must be over $0"),
    ({"treatments": "IV: $400 per fortnight"}, "treatments", "“fortnight” is not a price unit"),
    ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
    ({"website": "ftp://cedar.example"}, "website", "http:// or https://"),
    ({"phone": "555-0142"}, "phone", "not a US phone number"),
    ({"email": "front desk@cedar"}, "email", "not an e-mail address"),
    ({"medical_director_npi": "1234567890"}, "medical_director_npi", "not a valid NPI"),
    ({"medical_director_npi": "12345"}, "medical_director_npi", "not a valid NPI"),
    ({"name": "x" * 151}, "name", "is 151 characters long; at most 150"),
    ({"name": ""}, "name", "is required"),
    ({"name": '=HYPERLINK("http://evil.example","Click")'}, "name", "spreadsheet formula"),
    ({"street": "+1 Main Street"}, "street", "spreadsheet formula"),
    ({"city": "@Austin"}, "city", "spreadsheet formula"),
    ({"medical_director": "-Jane Roe"}, "medical_director", "spreadsheet formula"),
    ({"accepting_new_patients": "perhaps"}, "accepting_new_patients", "must be yes or no"),
    ({"payment_options": "bitcoin"}, "payment_options", "“bitcoin” is not a payment option"),
    ({"languages": "Klingon"}, "languages", "“Klingon” is not a language we know"),
]


@pytest.mark.parametrize(("changes", "column", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_column_and_reason_and_nothing_is_written_for_it(
    places, changes, column, reason
):
    good = row(external_id="GOOD", phone="", website="", name="Good Clinic")
    bad = row(**changes)
    columns = list(AUSTIN_ROW) + [key for key in changes if key not in AUSTIN_ROW]

    report = import_clinics(as_csv(good, bad, columns=columns), file_name="a.csv", commit=True)

    assert report.rows[0].action == "create"
    failed = report.rows[1]
    assert failed.action == "error"
    assert failed.line == 3
    assert any(col == column and reason in message for col, message in failed.errors), failed.errors
    assert list(Clinic.objects.values_list("external_id", flat=True)) == ["GOOD"]
    assert ClinicTreatment.objects.filter(clinic__external_id="T-1").count() == 0


def test_a_file_with_one_bad_row_of_each_kind_reports_each_by_line_and_imports_the_rest(places):
    bad_rows = [row(external_id=f"B-{n}", **changes) for n, (changes, _, _) in enumerate(BAD_ROWS)]
    columns = list(dict.fromkeys([*AUSTIN_ROW, *(key for changes, _, _ in BAD_ROWS for key in changes)]))
    good = row(external_id="GOOD", phone="", website="", name="Good Clinic")

    report = import_clinics(as_csv(*bad_rows, good, columns=columns), file_name="a.csv", commit=True)

    assert [r.line for r in report.errors] == list(range(2, 2 + len(BAD_ROWS)))
    assert list(Clinic.objects.values_list("external_id", flat=True)) == ["GOOD"]


def test_a_script_tag_in_a_text_field_is_stored_as_text_and_escaped_on_the_page(places, client):
    data = as_csv(row(description="<script>alert('x')</script> Calm rooms."), columns=[*AUSTIN_ROW, "description"])
    import_clinics(data, file_name="a.csv", commit=True)

    clinic = Clinic.objects.get()
    assert clinic.description.startswith("<script>")
    page = client.get(clinic.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page, page[page.find("<main") :][:3000]


def test_a_row_changing_a_clinic_its_staff_keep_is_refused(places):
    import_clinics(as_csv(row()), file_name="a.csv", commit=True)
    clinic = Clinic.objects.get()
    Membership.objects.create(clinic=clinic, user=make_user(), role=Membership.Role.OWNER)

    report = import_clinics(as_csv(row(name="Renamed")), file_name="a.csv", commit=True)

    assert report.rows[0].action == "error"
    assert "kept by the clinic's staff" in report.rows[0].describe()
    assert Clinic.objects.get().name == "Cedar Hollow Ketamine"


def test_two_rows_of_one_file_with_the_same_external_id_are_not_both_created(places):
    report = import_clinics(as_csv(row(), row(phone="", website="")), file_name="a.csv", commit=True)

    assert [r.action for r in report.rows] == ["create", "error"]
    assert Clinic.objects.count() == 1


def test_a_new_row_needs_a_source(places):
    report = import_clinics(as_csv(row(source="", external_id="")), file_name="a.csv")
    assert report.rows[0].errors == [("source", "name the source of a new listing (the source column, or --source).")]

    report = import_clinics(as_csv(row(source="", external_id="")), file_name="a.csv", source="State list")
    assert report.rows[0].action == "create"


@pytest.mark.parametrize(
    ("data", "file_name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"name,street\r\n", "header-only.csv", "Missing columns: city, state, zip_code."),
        (b"%PDF-1.7\x00\x01binary", "clinics.csv", "not a text file"),
        ("name,street,city,state,zip_code\r\nCafé,1 Rue,Austin,TX,78701\r\n".encode("latin-1"), "a.csv", "not UTF-8"),
        (b"name,street,city,state,zip_code,colour\r\n", "a.csv", "Unknown column: colour."),
        (b"name,street,city,state\r\n", "a.csv", "Missing column: zip_code."),
        (b"name,name,street,city,state,zip_code\r\n", "a.csv", "A column appears twice: name."),
        (b"{}", "clinics.xlsx", "Upload a CSV file (.csv) or a JSON Lines file (.jsonl)."),
        (b"name,street\n", "clinics.jsonl", "not JSON Lines"),
        (b'{"name": "A", "colour": "red"}\n', "clinics.jsonl", "Unknown column: colour."),
        (b"x" * (10 * 1024 * 1024 + 1), "big.csv", "larger than 10 MB"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_nothing_is_written(places, data, file_name, message):
    with pytest.raises(ImportFileError, match=message.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")):
        import_clinics(data, file_name=file_name, commit=True)
    assert not Clinic.objects.exists()


def test_export_then_import_is_a_no_op_in_csv_and_json_lines(places):
    import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", commit=True)
    make_clinic(name="An Editor's Listing", description="- Calm rooms\n=2+2", phone="", website="")
    before = list(Clinic.objects.order_by("pk").values())
    rows = export_rows(Clinic.objects.all())

    for write, name in [(write_csv, "export.csv"), (write_json_lines, "export.jsonl")]:
        out = io.StringIO()
        write(rows, out)
        report = import_clinics(out.getvalue().encode(), file_name=name, commit=True)
        assert [r.action for r in report.rows] == ["unchanged"] * 21, [r.describe() for r in report.rows]
    assert list(Clinic.objects.order_by("pk").values()) == before


def test_export_neutralizes_cells_a_spreadsheet_would_run_as_formulas(places):
    make_clinic(name="Plain", description='=HYPERLINK("http://evil.example")', hours="+1 day", street="@home")

    exported = export_rows(Clinic.objects.all())[0]

    assert exported["description"] == '\'=HYPERLINK("http://evil.example")'
    assert exported["hours"] == "'+1 day"
    assert exported["street"] == "'@home"
    assert exported["longitude"].startswith("-")  # a number, not a formula


def test_the_commands_dry_run_by_default_and_list_errors_with_line_numbers_at_the_end(places, tmp_path):
    path = tmp_path / "clinics.csv"
    path.write_bytes(as_csv(row(), row(external_id="T-2", state="XX", phone="", website="")))
    out = io.StringIO()

    call_command("import_clinics", str(path), stdout=out)

    text = out.getvalue()
    assert "line 2: create Cedar Hollow Ketamine" in text
    assert text.index("Rows with errors") < text.index("line 3: Cedar Hollow Ketamine - state:")
    assert "Dry run: nothing was written." in text
    assert not Clinic.objects.exists()

    call_command("import_clinics", str(path), "--commit", stdout=io.StringIO())
    assert Clinic.objects.count() == 1

    exported = tmp_path / "export.csv"
    call_command("export_clinics", "--output", str(exported), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_clinics", str(exported), stdout=out)
    assert "1 rows: 0 to create, 0 to update, 1 unchanged" in out.getvalue()


def test_the_command_says_why_a_file_cannot_be_read(places, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty. Nothing was imported."):
        call_command("import_clinics", str(path), "--commit")


def test_two_imports_at_once_of_the_same_clinic_create_it_once(reference_data):
    from tests.clinics.test_concurrency import run_together

    load_places("78701")
    first = as_csv(row())
    second = as_csv(row(), row(external_id="T-9", name="Another Clinic", phone="", website=""))

    outcomes = run_together(
        lambda: import_clinics(first, file_name="first.csv", commit=True),
        lambda: import_clinics(second, file_name="second.csv", commit=True),
    )

    assert outcomes == [None, None]
    assert sorted(Clinic.objects.values_list("external_id", flat=True)) == ["T-1", "T-9"]


def test_existing_listings_keep_their_source_as_the_migration_set_it(db):
    from importlib import import_module

    from django.apps import apps

    claimed, unclaimed = make_clinic(), make_clinic()
    Membership.objects.create(clinic=claimed, user=make_user(), role=Membership.Role.OWNER)
    Clinic.objects.update(source=Clinic.Source.EDITOR, source_date="2000-01-01")

    import_module("clinics.migrations.0018_listing_source_and_imports").sources_of_existing_clinics(apps, None)

    claimed.refresh_from_db()
    unclaimed.refresh_from_db()
    assert claimed.source == Clinic.Source.CLINIC
    assert unclaimed.source == Clinic.Source.EDITOR
    assert unclaimed.source_date == unclaimed.created_at.date()


def test_a_file_without_coordinate_columns_leaves_an_exact_location_as_it_is(places):
    import_clinics(
        as_csv(row(latitude="30.2800", longitude="-97.7500"), columns=[*AUSTIN_ROW, "latitude", "longitude"]),
        file_name="a.csv",
        commit=True,
    )

    report = import_clinics(as_csv(row(name="Cedar Hollow Renamed")), file_name="a.csv", commit=True)

    assert report.rows[0].changed == ["name"]
    clinic = Clinic.objects.get()
    assert (clinic.latitude, clinic.location_precision) == (30.28, Clinic.LocationPrecision.EXACT)


def test_a_new_zip_code_without_coordinates_moves_the_listing_to_that_zip_code(places):
    load_places("78702")
    import_clinics(
        as_csv(row(latitude="30.2800", longitude="-97.7500"), columns=[*AUSTIN_ROW, "latitude", "longitude"]),
        file_name="a.csv",
        commit=True,
    )

    import_clinics(as_csv(row(zip_code="78702")), file_name="a.csv", commit=True)

    clinic, place = Clinic.objects.get(), Place.objects.get(zip_code="78702")
    assert (clinic.zip_code, clinic.latitude, clinic.longitude) == ("78702", place.latitude, place.longitude)
    assert clinic.location_precision == Clinic.LocationPrecision.ZIP_AREA


def test_an_exported_row_for_a_listing_this_site_does_not_have_creates_it_at_the_same_address(places):
    report = import_clinics(
        as_csv(row(slug="cedar-hollow-ketamine-austin"), columns=[*AUSTIN_ROW, "slug"]), file_name="a.csv", commit=True
    )

    assert report.rows[0].action == "create"
    assert Clinic.objects.get().slug == "cedar-hollow-ketamine-austin"


def test_a_file_without_external_ids_imported_twice_changes_nothing_the_second_time(places):
    data = as_csv(row(external_id=""), row(external_id="", name="Second", phone="", website="", street="9 Elm St"))
    import_clinics(data, file_name="a.csv", commit=True)

    report = import_clinics(data, file_name="a.csv", commit=True)

    assert [r.action for r in report.rows] == ["unchanged", "unchanged"]
    assert Clinic.objects.count() == 2
    assert not PossibleDuplicate.objects.exists()


def test_the_safety_facts_import_and_a_bad_value_is_refused(places):
    rows = list(csv.DictReader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig"))))
    row = next(row for row in rows if row["observation_minutes"] and row["session_monitored_by"])

    def one_row(**changes) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow({**row, **changes})
        return out.getvalue().encode()

    report = import_clinics(one_row(), file_name="safety.csv", source="Fictional Partner List", commit=True)
    assert report.count("create") == 1, report.rows[0].describe()
    clinic = Clinic.objects.get()
    assert clinic.spravato_rems_certified == (row["spravato_rems_certified"] == "yes")
    assert clinic.session_monitored_by == row["session_monitored_by"]
    assert clinic.observation_minutes == int(row["observation_minutes"])

    bad = one_row(external_id="FPL-9999", session_monitored_by="a nurse", observation_minutes="two hours")
    report = import_clinics(bad, file_name="bad.csv", source="Fictional Partner List")
    assert {column for column, _ in report.rows[0].errors} >= {"session_monitored_by", "observation_minutes"}


def test_the_facts_an_import_states_are_dated_as_confirmed_by_that_import(places):
    import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", source="Fictional Partner List", commit=True)
    clinic = Clinic.objects.get(external_id="FPL-1001")
    assert (clinic.accepting_confirmed_by, clinic.accepting_confirmed_how) == ("import", "import")
    assert clinic.hours_confirmed_at is not None and clinic.facts_confirmed_at is not None
    offer = clinic.clinic_treatments.first()
    assert (offer.confirmed_by, offer.confirmed_how) == ("import", "import")
    assert not Clinic.objects.with_facts_due().filter(pk=clinic.pk).exists()
