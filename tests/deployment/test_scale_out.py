"""Two app servers on one PostgreSQL: nothing a visitor does is kept in one server's process."""

import threading

import pytest

from tests.deployment.conftest import Client

pytestmark = pytest.mark.servers

SETUP = """
import json
from clinics.staff.services import listings
from clinics.staff.changes import clinic_snapshot
from tests.factories import make_clinic
from tests.staff_factories import make_editor, make_member
clinic = make_clinic(name="Scale Out Clinic", slug="scale-out-clinic")
owner = make_member(clinic, email="owner@scale-out.example")
editor = make_editor(username="scale-out-editor", email="editor@scale-out.example")
snapshot = clinic_snapshot(clinic)
change = listings.change_request_submit(
    clinic=clinic, user=owner, proposed={**snapshot, "name": "Scale Out Clinic, Renamed"}, base=snapshot,
    base_version=clinic.updated_at,
)
print(json.dumps({"slug": clinic.slug, "change": change.pk, "owner": owner.email, "editor": editor.email}))
"""
COUNT_INQUIRIES = """
import json
from clinics.models import Inquiry
print(json.dumps({"count": Inquiry.objects.filter(clinic__name__startswith="Scale Out Clinic").count()}))
"""


@pytest.fixture(scope="module")
def servers(start_server) -> tuple[str, str]:
    return start_server(), start_server()


@pytest.fixture(scope="module")
def listing(site) -> dict:
    return site.run_python(SETUP)


def test_a_member_signed_in_on_one_server_continues_on_the_other(servers, listing):
    first, second = servers
    member = Client()
    member.sign_in(first, listing["owner"])
    dashboard = member.get(f"{second}/dashboard/")
    assert dashboard.status == 200  # the session is in the shared database, not in the first server
    assert "Scale Out Clinic" in dashboard.text
    assert member.get(f"{second}/manage/clinics/{listing['slug']}/edit/").status == 302  # to the pending change


def test_a_listing_approved_through_one_server_is_served_updated_by_the_other(servers, listing):
    first, second = servers
    visitor = Client()
    assert "Scale Out Clinic, Renamed" not in visitor.get(f"{second}/clinics/{listing['slug']}/").text

    editor = Client()
    editor.sign_in(first, listing["editor"])
    review = f"{first}/admin/clinics/changerequest/{listing['change']}/review/"
    approved = editor.post(review, {**editor.form_fields(review), "decision": "approve"})
    assert approved.status == 302, approved.text[:2000]

    for url in (f"{second}/clinics/{listing['slug']}/", f"{second}/clinics/?q=Renamed", f"{second}/clinics/tx/"):
        assert "Scale Out Clinic, Renamed" in visitor.get(url).text, url


def test_the_same_inquiry_sent_to_both_servers_at_once_is_stored_once(site, servers, listing):
    first, second = servers
    patient = Client()
    form = patient.form_fields(f"{first}/clinics/{listing['slug']}/inquiry/")
    data = {**form, "name": "Pat Example", "email": "pat@example.com", "message": "Hello", "consent": "on"}
    answers: list[int] = []
    threads = [
        threading.Thread(
            target=lambda url=url: answers.append(
                patient.post(f"{url}/clinics/{listing['slug']}/inquiry/", data).status
            )
        )
        for url in servers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [302, 302]
    assert site.run_python(COUNT_INQUIRIES)["count"] == 1
