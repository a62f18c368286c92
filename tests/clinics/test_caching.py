"""Cached pages and counts change as soon as a change to a listing or a guide commits, or a guide's time comes."""

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinics.freshness import facts_confirm
from clinics.models import FACT_GROUPS, Clinic, ClinicTreatment, Condition, TreatmentType
from directory import caching
from directory.caching import cached, release, start_new_versions, url_key
from tests.factories import make_clinic, make_guide
from tests.factories import result_names as card_names
from tests.staff_factories import make_place

pytestmark = pytest.mark.django_db


def test_an_edited_listing_shows_on_its_page_at_once(client, django_capture_on_commit_callbacks):
    clinic = make_clinic(name="Old Name Clinic")
    assert b"Old Name Clinic" in client.get(clinic.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        clinic.name = "New Name Clinic"
        clinic.save()
    assert b"New Name Clinic" in client.get(clinic.get_absolute_url()).content


def test_a_changed_price_shows_in_the_search_results_at_once(client, django_capture_on_commit_callbacks):
    make_clinic(treatments={"iv-infusion": (400, 600)})
    assert "$400" in client.get("/clinics/", {"treatment": "iv-infusion"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        offer = ClinicTreatment.objects.get(treatment_type__slug="iv-infusion")
        offer.price_min = 350
        offer.save()
    assert "$350" in client.get("/clinics/", {"treatment": "iv-infusion"}).content.decode()


def test_a_condition_added_to_a_listing_shows_on_its_page(client, django_capture_on_commit_callbacks):
    clinic = make_clinic()
    ocd = Condition.objects.get(slug="ocd")
    assert ocd.name not in client.get(clinic.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        clinic.conditions.add(ocd)
    assert ocd.name in client.get(clinic.get_absolute_url()).content.decode()


def test_an_unpublished_listing_leaves_search_and_landing_pages_and_its_page_404s(
    client, django_capture_on_commit_callbacks
):
    clinic = make_clinic(name="Soon Gone Clinic")
    assert card_names(client.get("/clinics/")) == ["Soon Gone Clinic"]
    assert card_names(client.get("/clinics/tx/")) == ["Soon Gone Clinic"]
    assert client.get(clinic.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        clinic.status = Clinic.Status.UNPUBLISHED
        clinic.save()
    assert card_names(client.get("/clinics/")) == []
    assert card_names(client.get("/clinics/tx/")) == []
    assert client.get(clinic.get_absolute_url()).status_code == 404


def test_confirming_a_fact_shows_on_its_page(client, editor, django_capture_on_commit_callbacks):
    clinic = make_clinic(facts_confirmed_at=None)
    assert b"Not confirmed yet" in client.get(clinic.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        facts_confirm(clinic=clinic, groups=list(FACT_GROUPS), by="editor", how="phone", user=editor)
    assert b"Not confirmed yet" not in client.get(clinic.get_absolute_url()).content


def test_a_guide_given_a_new_topic_shows_its_clinics(client, django_capture_on_commit_callbacks):
    guide = make_guide(treatments=["spravato"])
    make_clinic(name="Infusion Only Clinic", treatments={"iv-infusion": (400, 600)})
    assert "Infusion Only Clinic" not in client.get(guide.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guide.treatment_types.add(TreatmentType.objects.get(slug="iv-infusion"))
    assert "Infusion Only Clinic" in client.get(guide.get_absolute_url()).content.decode()


def test_two_visitors_never_share_a_csrf_or_submission_token():
    clinic = make_clinic()
    pages = [Client(enforce_csrf_checks=True).get(clinic.get_absolute_url()).content.decode() for _ in range(2)]
    tokens = [re.findall(r'name="(?:csrfmiddlewaretoken|submission_token)" value="([^"]+)"', page) for page in pages]
    assert len(tokens[0]) == 3  # the inquiry form's two tokens and the report form's CSRF token
    assert not set(tokens[0]) & set(tokens[1])


def test_a_guide_scheduled_for_later_shows_on_cached_pages_when_its_time_comes(client):
    clinic = make_clinic(treatments={"spravato": (600, 900)})
    make_guide(title="Out Already", treatments=["spravato"])
    make_guide(title="Coming Soon", treatments=["spravato"], publish_at=timezone.now() + timedelta(hours=2))
    pages = [clinic.get_absolute_url(), "/treatments/spravato/", "/guides/"]
    for path in pages:
        page = client.get(path).content.decode()
        assert "Out Already" in page and "Coming Soon" not in page
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=2, seconds=1)):
        for path in pages:
            assert "Coming Soon" in client.get(path).content.decode()


def asked_for_again(client, path: str):
    """The page at `path` asked for twice in this process, its copy gone in between: now it is shared."""
    client.get(path)
    caches["local"].clear()
    return client.get(path)


def test_a_page_is_shared_when_a_process_is_asked_for_it_again(client, django_assert_num_queries):
    make_clinic()
    response = client.get("/clinics/?state=TX")
    assert stored_page(response) is None  # a copy in this process only
    with django_assert_num_queries(1):  # the versions: the page is this process's copy
        assert client.get("/clinics/?state=TX").status_code == 200
    caches["local"].clear()  # the copy gone: newer pages pushed it out, say
    assert stored_page(client.get("/clinics/?state=TX")) is not None


def test_another_app_server_uses_the_shared_page_without_rendering_it_again(client, django_assert_num_queries):
    clinic = make_clinic()
    first = asked_for_again(client, "/clinics/tx/").content
    caches["local"].clear()  # as in a process that has not served the page yet
    caching._asked.clear()
    with django_assert_num_queries(2):  # the versions, then the page
        again = client.get("/clinics/tx/").content
    token = rb'name="csrfmiddlewaretoken" value="[^"]+"'  # masked afresh for each response
    assert re.sub(token, b"", again) == re.sub(token, b"", first)
    assert clinic.name.encode() in first


def stored_page(response) -> tuple | None:
    """The whole page cached for the response's URL by this release, if any."""
    return caches["pages"].get(f"{url_key('page', response.wsgi_request)}:{release()}")


def test_a_page_with_a_parameter_it_does_not_read_is_rendered_but_never_stored(client):
    clinic = make_clinic()
    for path in [f"{clinic.get_absolute_url()}?utm_source=mail", "/clinics/?q=clinic&made_up=1", "/?ref=x"]:
        response = client.get(path)
        assert response.status_code == 200
        assert stored_page(response) is None
    assert stored_page(asked_for_again(client, "/clinics/?q=clinic")) is not None


def test_a_request_reads_the_versions_once_and_sees_a_change_it_commits(django_assert_num_queries):
    computed = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    # A request's start and end, as the test client sends them: without closing the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        assert cached("one", compute) == 1
        with django_assert_num_queries(2):  # no versions read again: only the entry, then its store
            assert cached("two", compute) == 2
        with django_assert_num_queries(0):  # the copy this process holds
            assert cached("one", compute) == 1
        start_new_versions()  # as a change committed during the request
        assert cached("one", compute) == 3
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_search_body_is_stored_apart_only_when_the_page_is_not_stored_whole(client):
    make_clinic(name="Harbor Infusion Clinic")
    body_keys = "SELECT count(*) FROM django_page_cache WHERE cache_key LIKE '%search-page%'"
    client.get("/clinics/?q=harbor")
    with connection.cursor() as cursor:
        cursor.execute(body_keys)
        assert cursor.fetchone()[0] == 0
    client.get("/clinics/?q=harbor&utm_source=mail")
    with connection.cursor() as cursor:
        cursor.execute(body_keys)
        assert cursor.fetchone()[0] == 1


def page_cache_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {settings.CACHES['pages']['LOCATION']}")  # noqa: S608 - our setting
        return cursor.fetchone()[0]


def test_made_up_parameters_never_add_entries_to_the_cache(client, django_user_model):
    make_clinic()
    member = Client()
    member.force_login(django_user_model.objects.create_user("member", "member@example.com", "a-long-test-password"))
    paths = ["/clinics/?q=clinic", "/clinics/tx/", "/treatments/spravato/"]
    for path in paths:  # anonymous visitors, and a member who gets the page's parts from the cache
        asked_for_again(client, path)
        member.get(path)
    before = page_cache_entries()
    for n in range(3):
        for path in paths:
            made_up = f"{path}{'&' if '?' in path else '?'}utm_source=mail{n}"
            assert asked_for_again(client, made_up).status_code == 200
            assert member.get(made_up).status_code == 200
    assert page_cache_entries() == before


def test_a_made_up_parameter_never_reaches_the_links_shown_to_the_next_visitor(client):
    for _ in range(21):  # two pages of results, so the pages link to each other
        make_clinic()
    for path in ["/clinics/?state=TX", "/clinics/tx/"]:
        separator = "&" if "?" in path else "?"
        assert client.get(f"{path}{separator}sneaky=1").status_code == 200
        page = Client().get(path).content.decode()
        assert 'rel="next"' in page
        assert "sneaky" not in page


def test_signed_in_members_and_visitors_with_a_message_never_get_or_fill_the_page_cached_for_everyone(
    client, django_user_model
):
    clinic = make_clinic()
    assert b"Clinic sign-in" in client.get("/").content  # now cached for everyone
    member = django_user_model.objects.create_user("member", "member@example.com", "a-long-test-password")
    client.force_login(member)
    assert b"Dashboard" in client.get("/").content
    client.logout()
    assert b"Dashboard" not in client.get("/").content

    report = {"part": "closed", "note": "The clinic closed last month.", "reporter_email": ""}
    response = client.post(reverse("clinics:report", args=[clinic.slug]), report, follow=True)
    assert response.redirect_chain and b'class="wrap messages"' in response.content
    assert b'class="wrap messages"' not in client.get(clinic.get_absolute_url()).content


def test_a_version_another_process_starts_at_the_same_moment_stops_only_what_needs_it(client):
    # The guides version is missing and another process stores its own first: a search, which needs
    # only the listings and reference versions, is still cached.
    make_clinic(name="Cedar IV Clinic")
    cache.delete("guides-version")
    backend = type(caches["default"])
    add = backend.add

    def another_process_first(self, key, *args, **kwargs):
        return False if key == "guides-version" else add(self, key, *args, **kwargs)

    with mock.patch.object(backend, "add", another_process_first):
        assert asked_for_again(client, "/clinics/?state=TX").status_code == 200
    with connection.cursor() as cursor:
        pages = settings.CACHES["pages"]["LOCATION"]
        cursor.execute(f"SELECT count(*) FROM {pages} WHERE cache_key LIKE ':1:page:%%'")  # noqa: S608 - our setting
        assert cursor.fetchone()[0] == 1


def test_versions_stored_by_an_older_release_are_replaced_not_trusted(client):
    clinic = make_clinic(name="Fresh Name Clinic")
    cache.set("listings-version", "0123abcd", None)  # the format before versions carried a time
    assert b"Fresh Name Clinic" in client.get(clinic.get_absolute_url()).content
    assert isinstance(cache.get("listings-version"), tuple)


def test_expire_cache_makes_every_cached_page_render_afresh(client):
    clinic = make_clinic(name="Before Release Clinic")
    assert b"Before Release Clinic" in client.get(clinic.get_absolute_url()).content
    Clinic.objects.filter(pk=clinic.pk).update(name="After Release Clinic")  # no signal, as a template change
    assert b"Before Release Clinic" in client.get(clinic.get_absolute_url()).content
    call_command("expire_cache", stdout=StringIO())
    assert b"After Release Clinic" in client.get(clinic.get_absolute_url()).content


@pytest.fixture
def release_templates(settings, tmp_path):
    """A template folder ahead of the project's, whose base.html a test can change as a release would."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    base = tmp_path / "base.html"
    base.write_text((Path(settings.BASE_DIR) / "templates" / "base.html").read_text())
    release.cache_clear()
    yield base
    release.cache_clear()


def test_a_release_with_changed_templates_serves_new_pages_without_any_manual_step(client, settings, release_templates):
    clinic = make_clinic()
    pages = [clinic.get_absolute_url(), "/clinics/?q=clinic", "/clinics/tx/", "/"]
    for path in pages:
        assert b"Released today" not in client.get(path).content
    release_templates.write_text(release_templates.read_text().replace("</footer>", "Released today</footer>"))
    # The new release's processes: fresh templates, fresh memory.
    settings.TEMPLATES = [{**settings.TEMPLATES[0]}]
    release.cache_clear()
    caches["local"].clear()
    for path in pages:
        assert b"Released today" in client.get(path).content, path


def test_a_place_edited_in_the_admin_moves_the_search_results_at_once(
    client, django_user_model, django_capture_on_commit_callbacks
):
    make_clinic(name="Downtown Austin Clinic")  # in Austin, near ZIP 78701
    make_place(zip_code="78799", city="Austin", state="TX", latitude=40.7128, longitude=-74.0060)
    assert card_names(client.get("/clinics/", {"where": "78799", "radius": "10"})) == []
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("admin", "admin@directory.example", "a-long-pw-1"))
    corrected = {"zip_code": "78799", "city": "Austin", "state": "TX", "latitude": "30.2713", "longitude": "-97.7426"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post("/admin/clinics/place/78799/change/", corrected).status_code == 302
    assert card_names(client.get("/clinics/", {"where": "78799", "radius": "10"})) == ["Downtown Austin Clinic"]


def test_load_places_moves_the_search_results_at_once(client, django_capture_on_commit_callbacks):
    make_clinic(name="Downtown Austin Clinic")
    make_place(zip_code="78799", city="Austin", state="TX", latitude=40.7128, longitude=-74.0060)
    assert card_names(client.get("/clinics/", {"where": "78799", "radius": "10"})) == []
    corrected = {"zip_code": "78799", "city": "Austin", "state": "TX", "lat": "30.2713", "long": "-97.7426"}
    with mock.patch("zipcodes.list_all", return_value=[corrected]), django_capture_on_commit_callbacks(execute=True):
        call_command("load_places", stdout=StringIO())
    assert card_names(client.get("/clinics/", {"where": "78799", "radius": "10"})) == ["Downtown Austin Clinic"]
