"""Safety facts patients ask about: Spravato REMS certification, who watches a session, observation time."""

import re

import pytest

from clinics.models import ChangeRequest, Clinic, MonitoredBy
from clinics.staff.services import listings
from tests.factories import make_clinic
from tests.staff_factories import listing_post_data

pytestmark = pytest.mark.django_db

SAFE = {
    "spravato_rems_certified": True,
    "session_monitored_by": MonitoredBy.NURSE_ANESTHETIST,
    "observation_minutes": 120,
}


def test_the_clinic_page_shows_the_safety_facts(client):
    clinic = make_clinic(treatments={"spravato": (500, 700)}, **SAFE)
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert "Safety during a session" in html
    assert "Certified: the center may give Spravato" in html
    assert "A nurse anesthetist (CRNA)" in html
    assert "About 120 minutes before you go home" in html


def test_a_spravato_clinic_without_certification_on_file_says_to_ask(client):
    clinic = make_clinic(treatments={"spravato": (500, 700)})
    html = client.get(clinic.get_absolute_url()).content.decode()
    assert "Spravato may only be given in a REMS-certified center; ask the clinic." in html
    assert "Ask the clinic who stays with you during a session." in html


def test_a_clinic_without_spravato_does_not_mention_rems(client):
    html = client.get(make_clinic(treatments={"iv-infusion": (400, 600)}).get_absolute_url()).content.decode()
    assert "REMS" not in html.split("Safety during a session")[1].split("</section>")[0]


def test_compare_shows_the_safety_facts_side_by_side(client):
    first = make_clinic(name="Certified Center", **SAFE)
    second = make_clinic(name="Plain Center")
    html = client.get(f"/clinics/compare/?id={first.pk}&id={second.pk}").content.decode()
    assert "REMS-certified for Spravato" in html
    row = html.split("Who watches patients during a session")[1].split("</tr>")[0]
    assert "A nurse anesthetist (CRNA)" in row and "Not listed" in row
    assert "About 120 minutes" in html


@pytest.mark.parametrize(
    "monitored_by, shown",
    [
        (MonitoredBy.ANESTHESIOLOGIST, True),
        (MonitoredBy.PHYSICIAN, True),
        (MonitoredBy.NURSE_ANESTHETIST, True),
        (MonitoredBy.NURSE_PRACTITIONER, False),
        (MonitoredBy.REGISTERED_NURSE, False),
        ("", False),
    ],
)
def test_monitored_by_a_physician_or_nurse_anesthetist_means_exactly_those(client, monitored_by, shown):
    make_clinic(name="Watched Clinic", session_monitored_by=monitored_by)
    html = client.get("/clinics/?physician_monitored=on").content.decode()
    assert ("Watched Clinic" in html) == shown


def test_the_search_offers_and_counts_the_safety_filters(client):
    make_clinic(name="Certified", spravato_rems_certified=True, session_monitored_by=MonitoredBy.PHYSICIAN)
    make_clinic(name="Not Certified", session_monitored_by=MonitoredBy.REGISTERED_NURSE)
    html = client.get("/clinics/").content.decode()
    assert 'name="rems" value="on"' in html and 'name="physician_monitored" value="on"' in html
    assert re.search(r"REMS-certified for Spravato <span class=\"facet__count\">1<", html)
    assert re.search(r"Monitored by a physician or nurse anesthetist <span class=\"facet__count\">1<", html)
    assert "Certified" in client.get("/clinics/?rems=on").content.decode()
    assert "Not Certified" not in client.get("/clinics/?rems=on").content.decode()


def test_staff_edit_the_safety_facts_through_moderation(owner_client, editor, clinic):
    data = listing_post_data(
        clinic, spravato_rems_certified=True, session_monitored_by="anesthesiologist", observation_minutes="90"
    )
    assert owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data).status_code == 302
    change = ChangeRequest.objects.get()
    clinic.refresh_from_db()
    assert clinic.spravato_rems_certified is False  # waits for review
    owner_client.force_login(editor)
    review = owner_client.get(f"/admin/clinics/changerequest/{change.pk}/review/").content.decode()
    assert "REMS-certified for Spravato" in review
    assert "Who watches patients during a session" in review and "An anesthesiologist" in review
    assert "Usual observation time after a session (minutes)" in review and "90" in review
    listings.change_request_approve(change=change, editor=editor)
    clinic = Clinic.objects.get(pk=clinic.pk)
    assert (clinic.spravato_rems_certified, clinic.session_monitored_by, clinic.observation_minutes) == (
        True,
        "anesthesiologist",
        90,
    )


def test_an_observation_time_over_a_day_is_refused_in_plain_words(owner_client, clinic):
    data = listing_post_data(clinic, observation_minutes="5000")
    response = owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data)
    assert response.status_code == 200
    assert ChangeRequest.objects.count() == 0
    assert "less than or equal to 1440" in response.content.decode()


def test_editors_set_the_safety_facts_in_the_admin(editor_client, clinic):
    html = editor_client.get(f"/admin/clinics/clinic/{clinic.pk}/change/").content.decode()
    for name in SAFE:
        assert f'name="{name}"' in html


def test_the_safety_filters_in_use_show_as_chips_that_remove_them(client):
    make_clinic(name="Certified", spravato_rems_certified=True, session_monitored_by=MonitoredBy.PHYSICIAN)
    html = client.get("/clinics/?rems=on&physician_monitored=on").content.decode()
    assert 'aria-label="Remove REMS-certified for Spravato"' in html
    assert 'aria-label="Remove Monitored by a physician or nurse anesthetist"' in html
