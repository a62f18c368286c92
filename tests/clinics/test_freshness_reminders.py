"""Reminders to clinic staff: once a month at most, only to members who want them, with a single-use link."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from clinics.models import Clinic, ClinicTreatment, FreshnessReminder, Membership, TreatmentType
from clinics.staff.services.reminders import reminder_link_token
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_clinic(clinic, owner):
    """A claimed listing whose "accepting new patients" reaches its 3-month limit in a week."""
    Clinic.objects.filter(pk=clinic.pk).update(accepting_confirmed_at=timezone.now() - timedelta(days=85))
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    return clinic


def send() -> None:
    call_command("send_freshness_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115 - closed with the process


def reminder_mails(mailoutbox, clinic) -> list:
    return [mail for mail in mailoutbox if clinic.name in mail.subject]


def confirm_path(mail) -> str:
    return re.search(r"https?://[^/\s]+(/manage/still-right/[^\s]+/)", mail.body).group(1)


def move_clock(monkeypatch, days: int) -> None:
    later = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_the_staff_of_a_listing_near_its_limit_get_one_link_to_confirm_and_one_to_edit(due_clinic, owner, mailoutbox):
    make_clinic(name="Fresh Elsewhere")  # unclaimed and fresh: nobody to tell, nothing due
    send()
    [mail] = reminder_mails(mailoutbox, due_clinic)
    assert mail.to == [owner.email]
    assert "Accepting new patients: last confirmed" in mail.body
    assert f"/manage/clinics/{due_clinic.slug}/edit/" in mail.body
    assert confirm_path(mail)
    assert FreshnessReminder.objects.filter(clinic=due_clinic).count() == 1


def test_each_offer_due_is_named_by_its_treatment(clinic, owner, mailoutbox):
    # Two offers whose prices and insurance reach their 6-month limit within a week.
    for slug, price in [("iv-infusion", 500), ("spravato", 700)]:
        ClinicTreatment.objects.update_or_create(
            clinic=clinic,
            treatment_type=TreatmentType.objects.get(slug=slug),
            defaults={"price_min": price, "price_max": price, "confirmed_at": timezone.now() - timedelta(days=180)},
        )
    Clinic.objects.filter(pk=clinic.pk).refresh_facts_confirmed_at()
    send()
    [mail] = reminder_mails(mailoutbox, clinic)
    assert "- Prices and insurance for IV infusion: last confirmed" in mail.body
    assert "- Prices and insurance for Intranasal esketamine (Spravato): last confirmed" in mail.body
    assert mail.body.count("Prices and insurance") == 2


def test_an_unclaimed_or_fresh_listing_gets_no_reminder(clinic, owner, mailoutbox):
    stale_unclaimed = make_clinic(name="Nobody Claimed This")
    Clinic.objects.filter(pk=stale_unclaimed.pk).update(accepting_confirmed_at=timezone.now() - timedelta(days=300))
    send()
    assert mailoutbox == []


def test_a_clinic_gets_at_most_one_reminder_a_month(due_clinic, mailoutbox, monkeypatch):
    send()
    send()
    assert len(reminder_mails(mailoutbox, due_clinic)) == 1
    move_clock(monkeypatch, 20)
    send()
    assert len(reminder_mails(mailoutbox, due_clinic)) == 1
    move_clock(monkeypatch, 31)
    send()
    assert len(reminder_mails(mailoutbox, due_clinic)) == 2


def test_a_member_can_turn_reminders_off_on_the_dashboard(owner_client, owner, due_clinic, mailoutbox):
    html = owner_client.get("/dashboard/").content.decode()
    assert f'action="/manage/clinics/{due_clinic.slug}/reminders/"' in html
    response = owner_client.post(f"/manage/clinics/{due_clinic.slug}/reminders/", {})
    assert response.status_code == 302
    assert Membership.objects.get(user=owner).freshness_reminders is False
    send()
    assert mailoutbox == []
    owner_client.post(f"/manage/clinics/{due_clinic.slug}/reminders/", {"freshness_reminders": "on"})
    send()
    assert len(reminder_mails(mailoutbox, due_clinic)) == 1


def test_only_members_change_their_own_reminder_setting(colleague_client, owner, due_clinic):
    assert colleague_client.post(f"/manage/clinics/{due_clinic.slug}/reminders/", {}).status_code == 404
    colleague_client.logout()
    assert colleague_client.post(f"/manage/clinics/{due_clinic.slug}/reminders/", {}).status_code == 302  # to sign in
    assert Membership.objects.get(user=owner).freshness_reminders is True


def test_the_link_confirms_only_when_the_button_is_pressed_and_records_the_clinic(client, due_clinic, mailoutbox):
    send()
    path = confirm_path(reminder_mails(mailoutbox, due_clinic)[0])
    page = client.get(path)
    assert page.status_code == 200 and b"Nothing has changed" in page.content
    due_clinic.refresh_from_db()
    assert due_clinic.accepting_confirmed_by == "editor"  # a GET (a mail scanner) changed nothing
    response = client.post(path)
    assert response.status_code == 200 and b"Thank you" in response.content
    due_clinic.refresh_from_db()
    assert {(c.by, c.how) for c in due_clinic.confirmations()} == {("clinic", "clinic")}
    assert not due_clinic.has_stale_facts
    assert "confirmed unchanged by the clinic's staff" in due_clinic.history.first().history_change_reason


def test_the_link_works_once(client, due_clinic, mailoutbox):
    send()
    path = confirm_path(reminder_mails(mailoutbox, due_clinic)[0])
    client.post(path)
    confirmed_at = Clinic.objects.get(pk=due_clinic.pk).accepting_confirmed_at
    again = client.post(path)
    assert again.status_code == 410 and b"already been used" in again.content
    assert Clinic.objects.get(pk=due_clinic.pk).accepting_confirmed_at == confirmed_at


def test_the_link_expires_after_14_days(client, due_clinic, mailoutbox, monkeypatch):
    send()
    path = confirm_path(reminder_mails(mailoutbox, due_clinic)[0])
    later = signing.time.time() + timedelta(days=15).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(path)
    assert response.status_code == 410 and b"expired" in response.content
    assert Clinic.objects.get(pk=due_clinic.pk).accepting_confirmed_by == "editor"


def test_a_reminder_sent_over_14_days_ago_no_longer_confirms(client, due_clinic):
    reminder = FreshnessReminder.objects.create(clinic=due_clinic, sent_at=timezone.now() - timedelta(days=15))
    response = client.post(f"/manage/still-right/{reminder_link_token(reminder)}/")
    assert response.status_code == 410 and b"expired" in response.content


def test_a_forged_link_is_refused(client, due_clinic):
    reminder = FreshnessReminder.objects.create(clinic=due_clinic)
    token = reminder_link_token(reminder)
    forged = signing.dumps(reminder.pk, salt="something else")
    for bad in (forged, token[:-2] + "xx", "not-a-token"):
        response = client.post(f"/manage/still-right/{bad}/")
        assert response.status_code == 410 and b"not valid" in response.content
    assert Clinic.objects.get(pk=due_clinic.pk).accepting_confirmed_by == "editor"
