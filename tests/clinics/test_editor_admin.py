"""The editors' admin: the site's name and colors, and the work waiting for them on its first page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinics.models import ChangeRequest, Claim, Clinic, ListingReport, PossibleDuplicate
from tests.factories import make_clinic, make_user
from tests.staff_factories import make_editor

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def make_work(n: int) -> None:
    """n of each: pending edits, new clinic submissions, confirmations, claims for an editor and open reports,
    listings with a fact never confirmed and possible duplicates, plus decided ones that are not waiting."""
    for i in range(n):
        clinic = make_clinic(name=f"Queue Clinic {n}-{i}")
        for kind in ChangeRequest.Kind.values:
            ChangeRequest.objects.create(
                clinic=clinic, kind=kind, proposed={}, base={}, base_version=clinic.updated_at, proposed_by=make_user()
            )
        Claim.objects.create(clinic=clinic, user=make_user(), status=Claim.Status.PENDING)
        Claim.objects.create(clinic=clinic, user=make_user(), status=Claim.Status.AWAITING_EMAIL)
        ListingReport.objects.create(clinic=clinic, part="price", note="The price went up.")
        Clinic.objects.filter(pk=clinic.pk).update(accepting_confirmed_at=None, facts_confirmed_at=None)
        PossibleDuplicate.objects.create(clinic=clinic, line=2, reason="same phone", row={}, fingerprint=str(i))
    PossibleDuplicate.objects.create(clinic=clinic, line=3, reason="same phone", row={}, fingerprint="x", handled=True)
    decided = make_clinic(name=f"Decided Clinic {n}")
    ChangeRequest.objects.create(
        clinic=decided,
        proposed={},
        base={},
        base_version=decided.updated_at,
        proposed_by=make_user(),
        status=ChangeRequest.Status.APPROVED,
    )
    ListingReport.objects.create(clinic=decided, part="price", note="Fixed.", resolved_at=decided.updated_at)


def queues(html: str) -> dict[str, tuple[str, int]]:
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td[^>]*>(\d+)</td>', html)
    return {label: (url.replace("&amp;", "&"), int(count)) for url, label, count in rows}


def test_the_admin_index_lists_the_work_waiting_with_counts_and_links(client):
    make_work(2)
    client.force_login(make_editor())
    html = client.get(INDEX).content.decode()
    changes = "/admin/clinics/changerequest/?status__exact=pending&kind__exact="
    assert queues(html) == {
        "Listing changes to review": (changes + "edit", 2),
        "New clinic submissions": (changes + "new", 2),
        "Listings confirmed as still right": (changes + "confirm", 2),
        "Claims waiting for an editor": ("/admin/clinics/claim/?status__exact=pending", 2),
        "Reports of wrong listings": ("/admin/clinics/listingreport/?resolved_at__isempty=1", 2),
        "Listings that need checking": ("/admin/clinics/listingtocheck/?due=yes", 2),
        "Possible duplicates from imports": ("/admin/clinics/possibleduplicate/?handled__exact=0", 2),
    }


def test_each_work_waiting_link_lists_exactly_what_it_counts(client):
    make_work(2)
    client.force_login(make_editor())
    for label, (url, count) in queues(client.get(INDEX).content.decode()).items():
        response = client.get(url)
        assert response.status_code == 200, label
        assert response.context["cl"].result_count == count, label


def test_the_work_waiting_costs_the_same_queries_however_much_is_waiting(client, django_assert_num_queries):
    editor = make_editor()
    client.force_login(editor)
    make_work(1)
    client.get(INDEX)
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    make_work(4)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(INDEX)


def test_a_staff_member_without_review_permissions_sees_no_work_waiting(client):
    make_work(1)
    client.force_login(make_user(is_staff=True))
    html = client.get(INDEX).content.decode()
    assert "Work waiting" not in html


def test_the_admin_carries_the_site_name_and_colors(client):
    client.force_login(make_editor())
    html = client.get(INDEX).content.decode()
    assert "Django administration" not in html and "Django site admin" not in html
    assert "<title>Site administration | Ketamine Clinic Directory editors</title>" in html
    assert 'Ketamine Clinic Directory <span class="site-name__role">editors</span>' in html
    assert '<link rel="stylesheet" href="/static/css/admin.css">' in html
    assert '<script src="/static/js/admin_timezone.js" defer></script>' in html
