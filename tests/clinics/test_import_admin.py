"""Editors import clinics in the admin: upload, preview, confirm; export selected clinics; the duplicates queue."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clinics.importing import import_clinics
from clinics.models import Clinic, ImportBatch, Membership, PossibleDuplicate
from tests.clinics.test_import import SAMPLE, as_csv, load_places, row, sample_zip_codes
from tests.factories import make_clinic, make_user

IMPORT_URL = reverse("admin:clinics_clinic_import")


@pytest.fixture
def places(db):
    load_places("78701", *sample_zip_codes())


def upload(client, data: bytes, name: str = "clinics.csv", source: str = ""):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data), "source": source})


def test_an_editor_sees_a_preview_of_every_row_before_anything_is_written(places, editor_client):
    response = upload(editor_client, SAMPLE.read_bytes())

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:clinics_clinic_import_preview", args=[batch.pk])
    preview = editor_client.get(response.url)
    assert preview.status_code == 200
    assert preview.context["report"].count("create") == 20
    assert "Nothing has been written yet." in preview.content.decode()
    assert "Bluebonnet Infusion Studio" in preview.content.decode()
    assert not Clinic.objects.exists()


def test_confirming_imports_the_rows_once_and_the_public_page_says_where_the_listing_came_from(
    places, editor_client, editor, client
):
    upload(editor_client, SAMPLE.read_bytes())
    batch = ImportBatch.objects.get()
    preview_url = reverse("admin:clinics_clinic_import_preview", args=[batch.pk])

    editor_client.post(preview_url)
    editor_client.post(preview_url)  # a second press (or the Back button) imports nothing more

    assert Clinic.objects.count() == 20
    batch.refresh_from_db()
    assert batch.committed_at is not None
    assert batch.summary.startswith("20 rows: 20 created")
    clinic = Clinic.objects.get(external_id="FPL-1001")
    assert clinic.history.first().history_user == editor
    editor_client.logout()
    page = client.get(clinic.get_absolute_url()).content.decode()
    assert "Imported from Fictional Partner List on" in page
    assert "The clinic has not confirmed it." in page


def test_a_file_that_cannot_be_read_is_refused_on_the_upload_form_and_nothing_is_kept(places, editor_client):
    response = upload(
        editor_client, "name,street,city,state,zip_code\r\nCafé,1 Rue,Austin,TX,78701\r\n".encode("latin-1")
    )

    assert response.status_code == 200
    assert "The file is not UTF-8 text" in response.content.decode()
    assert "Nothing was imported." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_empty_upload_gets_a_clear_message(places, editor_client):
    response = upload(editor_client, b"")

    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    assert "empty" in response.content.decode()


def test_staff_without_the_import_permission_cannot_import(places, client):
    client.force_login(make_user(is_staff=True))

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, SAMPLE.read_bytes()).status_code == 403


def test_the_export_action_writes_the_selected_clinics_in_the_import_schema(places, editor_client):
    import_clinics(SAMPLE.read_bytes(), file_name="clinics.csv", commit=True)
    chosen = list(Clinic.objects.order_by("pk")[:3].values_list("pk", flat=True))

    response = editor_client.post(
        reverse("admin:clinics_clinic_changelist"), {"action": "export_csv", "_selected_action": chosen}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["external_id"] for r in rows] == ["FPL-1001", "FPL-1002", "FPL-1003"]
    report = import_clinics(response.content, file_name="export.csv")
    assert [r.action for r in report.rows] == ["unchanged"] * 3


def test_possible_duplicates_wait_in_a_queue_for_editors(places, editor_client):
    make_clinic(name="An Older Listing", phone="(512) 555-0142")
    upload(editor_client, as_csv(row(phone="512.555.0142")))
    editor_client.post(reverse("admin:clinics_clinic_import_preview", args=[ImportBatch.objects.get().pk]))

    queue = editor_client.get(reverse("admin:clinics_possibleduplicate_changelist"))

    assert queue.status_code == 200
    assert "Cedar Hollow Ketamine (line 2) may be An Older Listing" in queue.content.decode()
    duplicate = PossibleDuplicate.objects.get()
    editor_client.post(
        reverse("admin:clinics_possibleduplicate_changelist"),
        {"action": "mark_handled", "_selected_action": [duplicate.pk]},
    )
    duplicate.refresh_from_db()
    assert duplicate.handled


def test_the_clinics_list_links_to_the_import_for_editors(places, editor_client):
    assert IMPORT_URL in editor_client.get(reverse("admin:clinics_clinic_changelist")).content.decode()


def test_the_clinic_page_says_the_clinics_staff_keep_a_claimed_listing(
    places, client, django_capture_on_commit_callbacks
):
    import_clinics(as_csv(row()), file_name="a.csv", commit=True)
    clinic = Clinic.objects.get()
    assert "The clinic has not confirmed it." in client.get(clinic.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(clinic=clinic, user=make_user(), role=Membership.Role.OWNER)

    page = client.get(clinic.get_absolute_url()).content.decode()
    assert "Kept up to date by the clinic's staff." in page
    assert "has not confirmed" not in page


def test_an_editors_listing_says_it_was_compiled_from_public_information_on_its_date(places, client):
    clinic = make_clinic()
    Clinic.objects.filter(pk=clinic.pk).update(source_date="2026-03-03")

    page = client.get(clinic.get_absolute_url()).content.decode()

    assert "Compiled by our editors from public information on" in page
    assert "March 3, 2026" in page


def test_a_listing_located_by_its_zip_code_only_says_so_and_shows_distances_to_the_whole_mile(places, client):
    import_clinics(as_csv(row()), file_name="a.csv", commit=True)
    clinic = Clinic.objects.get()
    Clinic.objects.filter(pk=clinic.pk).update(latitude=30.30)  # about 2.1 miles north of the ZIP's center

    page = client.get(clinic.get_absolute_url()).content.decode()
    assert "The location on this page is approximate" in page
    results = client.get(reverse("clinics:list"), {"where": "78701", "radius": 10}).content.decode()
    assert "about 2 mi" in results
    assert "2.1 mi" not in results


def test_the_footer_no_longer_says_every_listing_is_checked_by_editors(client, db):
    page = client.get(reverse("home")).content.decode()
    assert "checked by our editors" not in page
    assert "Each listing says where its details came from" in page


def test_an_upload_over_ten_megabytes_is_refused_before_it_is_read(places, editor_client):
    response = upload(editor_client, b"x" * (10 * 1024 * 1024 + 1))

    assert response.status_code == 200
    assert "larger than 10 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_duplicates_queue_costs_the_same_queries_for_many_rows(
    places, editor_client, django_assert_max_num_queries
):
    clinics = [make_clinic(phone=f"(512) 555-01{n:02d}") for n in range(12)]
    rows = [
        row(external_id=f"D-{n}", name=f"Row {n}", phone=clinic.phone, website="") for n, clinic in enumerate(clinics)
    ]
    import_clinics(as_csv(*rows), file_name="a.csv", commit=True)
    assert PossibleDuplicate.objects.count() == 12

    with django_assert_max_num_queries(12):
        response = editor_client.get(reverse("admin:clinics_possibleduplicate_changelist"))

    assert response.status_code == 200
