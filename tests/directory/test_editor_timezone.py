"""Editors see and enter times in their own time zone, which the admin's script stores in a cookie."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_guide, make_user
from tests.staff_factories import make_editor

pytestmark = pytest.mark.django_db

TOKYO = "Asia/Tokyo"  # UTC+9 all year; the server's zone is America/Chicago
PUBLISH_AT = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)  # 9:00 AM in Chicago, midnight in Tokyo


def server_offset() -> str:
    return f'data-admin-utc-offset="{int(timezone.localtime().utcoffset().total_seconds())}"'


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_the_admin_runs_in_the_editors_time_zone_so_django_sees_no_difference_to_warn_about(editor_client):
    # Django's admin warns "You are N hours ahead of server time" when this offset differs from the browser's.
    assert server_offset() in editor_client.get(reverse("admin:index")).content.decode()
    editor_client.cookies["editor_tz"] = TOKYO
    assert 'data-admin-utc-offset="32400"' in editor_client.get(reverse("admin:index")).content.decode()


def test_a_scheduled_guide_shows_and_is_entered_in_the_editors_time_zone(editor_client):
    guide = make_guide(title="Scheduled guide", publish_at=PUBLISH_AT)
    editor_client.cookies["editor_tz"] = TOKYO
    changelist = editor_client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert "Scheduled for Mar 5, 2030, 12:00 AM JST" in changelist
    change = editor_client.get(reverse("admin:guides_guide_change", args=[guide.pk])).content.decode()
    assert 'value="2030-03-05"' in change and 'value="00:00:00"' in change


def test_the_preview_banner_gives_the_time_in_the_editors_time_zone(editor_client):
    guide = make_guide(title="Scheduled guide", publish_at=PUBLISH_AT)
    editor_client.cookies["editor_tz"] = TOKYO
    html = editor_client.get(guide.get_absolute_url()).content.decode()
    assert "scheduled for Mar 5, 2030, 12:00 AM JST</strong>." in html


@pytest.mark.parametrize("cookie", ["Not/A_Zone", "../../etc/passwd", ""])
def test_a_cookie_that_names_no_time_zone_leaves_the_servers(editor_client, cookie):
    editor_client.cookies["editor_tz"] = cookie
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert server_offset() in response.content.decode()


def test_the_cookie_of_someone_who_is_not_staff_changes_nothing(client):
    client.force_login(make_user())
    client.cookies["editor_tz"] = TOKYO
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.editor_timezone is None
