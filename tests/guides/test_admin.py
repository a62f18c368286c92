import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guides.models import Guide
from tests.factories import make_guide, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:guides_guide_changelist")


@pytest.mark.parametrize(
    "query",
    [{}, {"q": "anxiety"}, {"status__exact": "draft"}, {"visibility": "scheduled"}, {"visibility": "live"}],
)
def test_the_guide_list_loads_for_an_editor(editor_client, query):
    make_guide(title="Live guide")
    make_guide(title="Scheduled guide", publish_at=timezone.now() + timedelta(days=2))

    assert editor_client.get(CHANGELIST, query).status_code == 200


def test_the_visibility_filter_tells_scheduled_from_live_guides(editor_client):
    make_guide(title="Live guide")
    scheduled = make_guide(title="Scheduled guide", publish_at=timezone.now() + timedelta(days=2))

    response = editor_client.get(CHANGELIST, {"visibility": "scheduled"})

    assert list(response.context["cl"].queryset) == [scheduled]


def test_the_add_and_change_pages_load_for_an_editor(editor_client):
    guide = make_guide(status=Guide.Status.DRAFT, publish_at=None, body="## Rendered heading")

    add = editor_client.get(reverse("admin:guides_guide_add"))
    change = editor_client.get(reverse("admin:guides_guide_change", args=[guide.pk]))

    assert add.status_code == change.status_code == 200
    assert b"Preview (only staff can see it)" in change.content
    assert f'href="{guide.get_absolute_url()}"'.encode() in change.content
    assert b'<h2 id="rendered-heading">Rendered heading</h2>' in change.content


def test_an_editor_writes_a_draft_then_publishes_it_without_a_time(editor_client):
    anonymous = Client()
    form = {
        "title": "A new guide",
        "slug": "a-new-guide",
        "summary": "A summary.",
        "body": "## Hello\n\nText.",
        "author_name": "An Author",
        "reviewer_name": "Dr. Reviewer",
        "reviewer_credentials": "MD",
        "status": Guide.Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
    }
    assert editor_client.post(reverse("admin:guides_guide_add"), form).status_code == 302
    guide = Guide.objects.get(slug="a-new-guide")
    assert anonymous.get(guide.get_absolute_url()).status_code == 404

    response = editor_client.post(
        reverse("admin:guides_guide_change", args=[guide.pk]), {**form, "status": Guide.Status.PUBLISHED}
    )

    assert response.status_code == 302
    assert anonymous.get(guide.get_absolute_url()).status_code == 200


def test_the_publish_now_action_publishes_a_draft_and_a_scheduled_guide(editor_client):
    draft = make_guide(status=Guide.Status.DRAFT, publish_at=None)
    scheduled = make_guide(publish_at=timezone.now() + timedelta(days=2))
    live = make_guide(publish_at=timezone.now() - timedelta(days=9))
    live_since = live.publish_at

    editor_client.post(CHANGELIST, {"action": "publish_now", "_selected_action": [draft.pk, scheduled.pk, live.pk]})

    assert set(Guide.objects.published()) == {draft, scheduled, live}
    live.refresh_from_db()
    assert live.publish_at == live_since


def test_the_unpublish_action_takes_a_guide_off_the_site(editor_client):
    anonymous = Client()
    guide = make_guide()

    editor_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [guide.pk]})

    guide.refresh_from_db()
    assert guide.status == Guide.Status.DRAFT
    assert anonymous.get(guide.get_absolute_url()).status_code == 404


def test_a_signed_in_patient_cannot_open_the_guide_admin(client):
    client.force_login(make_user())

    assert client.get(CHANGELIST).status_code == 302


def test_staff_without_guide_permissions_cannot_open_the_guide_admin(client):
    client.force_login(make_user(is_staff=True))

    assert client.get(CHANGELIST).status_code == 403


def test_the_guide_list_shows_a_scheduled_guide_as_scheduled_for_its_time_not_published(editor_client):
    publish_at = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)  # 9:00 AM in Chicago, the server's time zone
    make_guide(title="Scheduled guide", publish_at=publish_at)
    make_guide(title="Live guide")
    rows = {
        row[0]: row[1]
        for row in re.findall(
            r'<th class="field-title"><a [^>]*>([^<]+)</a></th><td class="field-state">([^<]+)</td>',
            editor_client.get(CHANGELIST).content.decode(),
        )
    }
    assert rows == {"Scheduled guide": "Scheduled for Mar 4, 2030, 9:00 AM CST", "Live guide": "Published"}


def test_the_preview_of_a_scheduled_guide_gives_its_time_without_a_doubled_period(editor_client):
    guide = make_guide(title="Scheduled guide", publish_at=datetime(2030, 3, 4, 15, 0, tzinfo=UTC))
    html = editor_client.get(guide.get_absolute_url()).content.decode()
    assert "this guide is <strong>scheduled for Mar 4, 2030, 9:00 AM CST</strong>. Only staff can see it." in html
    assert ".." not in html[html.index("guide__preview") :][:300]
