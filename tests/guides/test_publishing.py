from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from guides.models import Guide
from guides.sitemaps import GuideSitemap
from tests.factories import make_guide, make_user

pytestmark = pytest.mark.django_db

HIDDEN_STATES = {
    "draft": {"status": Guide.Status.DRAFT, "publish_at": None},
    "in review": {"status": Guide.Status.IN_REVIEW, "publish_at": None},
    "scheduled for tomorrow": {"status": Guide.Status.PUBLISHED, "publish_at": timezone.now() + timedelta(days=1)},
}


def public_pages_mentioning(client, guide: Guide) -> list[str]:
    """Every public place a guide can appear, and whether it appears there."""
    pages = {
        "list": reverse("guides:list"),
        "topic": reverse("guides:topic", args=["iv-infusion"]),
        "feed": reverse("guides:feed"),
    }
    found = [name for name, url in pages.items() if guide.title.encode() in client.get(url).content]
    if guide in GuideSitemap().items():
        found.append("sitemap")
    if client.get(guide.get_absolute_url()).status_code == 200:
        found.append("detail")
    return found


def test_it_shows_a_published_guide_on_every_public_page(client):
    guide = make_guide(treatments=["iv-infusion"])

    assert public_pages_mentioning(client, guide) == ["list", "topic", "feed", "sitemap", "detail"]


@pytest.mark.parametrize("state", HIDDEN_STATES.values(), ids=HIDDEN_STATES.keys())
def test_it_hides_an_unpublished_guide_from_anonymous_visitors(client, state):
    guide = make_guide(treatments=["iv-infusion"], **state)

    assert public_pages_mentioning(client, guide) == []
    assert client.get(guide.get_absolute_url()).status_code == 404


def test_it_hides_a_draft_from_a_signed_in_patient(client):
    guide = make_guide(status=Guide.Status.DRAFT, publish_at=None)
    client.force_login(make_user())

    assert client.get(guide.get_absolute_url()).status_code == 404


def test_it_hides_a_draft_from_staff_who_may_not_view_guides(client):
    guide = make_guide(status=Guide.Status.DRAFT, publish_at=None)
    client.force_login(make_user(is_staff=True))

    assert client.get(guide.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", HIDDEN_STATES.values(), ids=HIDDEN_STATES.keys())
def test_it_lets_an_editor_preview_an_unpublished_guide_as_it_will_look(editor_client, state):
    guide = make_guide(title="Preview me", body="## Only in the body\n\nText.", **state)

    response = editor_client.get(guide.get_absolute_url())

    assert response.status_code == 200
    assert b'<h2 id="only-in-the-body">Only in the body</h2>' in response.content
    assert b"Only staff can see it." in response.content
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content


def test_an_editor_still_sees_only_published_guides_in_the_list(editor_client):
    make_guide(title="A draft", status=Guide.Status.DRAFT, publish_at=None)

    assert b"A draft" not in editor_client.get(reverse("guides:list")).content


def test_a_scheduled_guide_appears_by_itself_once_its_time_passes(client, monkeypatch):
    publish_at = timezone.now() + timedelta(hours=2)
    guide = make_guide(publish_at=publish_at)
    assert client.get(guide.get_absolute_url()).status_code == 404

    monkeypatch.setattr(timezone, "now", lambda: publish_at + timedelta(minutes=1))

    assert client.get(guide.get_absolute_url()).status_code == 200
    assert list(Guide.objects.published()) == [guide]


def test_publishing_without_a_time_goes_live_at_once(client):
    guide = make_guide(status=Guide.Status.PUBLISHED, publish_at=None)

    assert guide.publish_at is not None
    assert guide.first_published_at == guide.publish_at
    assert client.get(guide.get_absolute_url()).status_code == 200


def test_editing_a_published_guide_keeps_it_published_and_moves_updated():
    guide = make_guide()
    first_published_at, updated_at = guide.first_published_at, guide.updated_at

    guide.body += "\n\nA correction."
    guide.save()
    guide.refresh_from_db()

    assert guide.is_live
    assert guide.first_published_at == first_published_at
    assert guide.updated_at > updated_at


def test_rescheduling_a_guide_before_it_goes_live_moves_its_first_published_date():
    guide = make_guide(publish_at=timezone.now() + timedelta(days=3))

    guide.publish_at = timezone.now() + timedelta(days=5)
    guide.save()

    assert guide.first_published_at == guide.publish_at


def test_republishing_a_guide_keeps_its_first_published_date():
    guide = make_guide()
    first_published_at = guide.first_published_at

    guide.unpublish()
    guide.publish_now()

    assert guide.is_live
    assert guide.first_published_at == first_published_at


def test_the_database_refuses_a_published_guide_without_a_publish_time():
    guide = make_guide()

    with pytest.raises(IntegrityError):
        Guide.objects.filter(pk=guide.pk).update(publish_at=None)
