import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import IntegrityError
from django.utils import timezone

from clinics.models import INVITATION_MAX_AGE, Claim, Clinic, Invitation, Membership
from clinics.staff.services import claims, members
from tests.factories import make_clinic
from tests.staff_factories import make_member, make_verified_user

pytestmark = pytest.mark.django_db


def _claim_url(clinic: Clinic) -> str:
    return f"/manage/clinics/{clinic.slug}/claim/"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _invite(client, clinic: Clinic, email: str = "nurse@junipercare.example"):
    return client.post(f"/manage/clinics/{clinic.slug}/members/invite/", {"email": email})


def _followed(client, response) -> str:
    """The page a redirect leads to, with its messages."""
    return client.get(response["Location"]).content.decode()


def _revoke_url(clinic: Clinic, invitation: Invitation) -> str:
    return f"/manage/clinics/{clinic.slug}/invitations/{invitation.pk}/revoke/"


@pytest.fixture
def invitation(clinic, owner) -> Invitation:
    return members.membership_invite(clinic=clinic, inviter=owner, email="nurse@junipercare.example")


def test_an_anonymous_visitor_is_sent_to_sign_in_to_claim(client, clinic):
    for response in (client.get(_claim_url(clinic)), client.post(_claim_url(clinic), {"note": "hi"})):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert not Claim.objects.exists()


def test_a_verified_address_at_the_clinic_domain_claims_at_once_without_another_e_mail(client, clinic, mailoutbox):
    user = make_verified_user(email="drlee@junipercare.example")
    client.force_login(user)
    assert "the listing is yours to manage as soon as you claim it" in client.get(_claim_url(clinic)).content.decode()
    response = client.post(_claim_url(clinic), {"note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == f"/manage/clinics/{clinic.slug}/"
    assert "Confirmed by your address drlee@junipercare.example" in response.content.decode()
    claim = Claim.objects.get()
    assert (claim.status, claim.email, claim.decided_by) == (Claim.Status.APPROVED, "drlee@junipercare.example", None)
    assert Membership.objects.get(user=user, clinic=clinic).role == Membership.Role.OWNER
    assert mailoutbox == []


def test_a_claim_already_waiting_for_its_e_mailed_link_is_confirmed_by_following_it(
    client, clinic, claimant, mailoutbox
):
    link = _link(mailoutbox[0])
    assert client.get(link).status_code == 200
    assert not Membership.objects.filter(user=claimant).exists()  # a GET alone confirms nothing
    client.post(link)
    assert Claim.objects.get().status == Claim.Status.APPROVED
    assert Membership.objects.get(user=claimant, clinic=clinic).role == Membership.Role.OWNER


def test_the_confirmation_link_works_only_for_the_claimant(client, clinic, claimant, mailoutbox):
    link = _link(mailoutbox[0])
    intruder = make_verified_user()
    client.force_login(intruder)
    assert client.post(link).status_code == 404
    assert client.post(link[:-3] + "abc/").status_code == 404
    assert not Membership.objects.filter(clinic=clinic).exists()


def test_an_unverified_address_at_the_domain_does_not_count(client, clinic, mailoutbox):
    user = make_verified_user(email="me@gmail.example")
    EmailAddress.objects.create(user=user, email="me@junipercare.example", verified=False)
    client.force_login(user)
    client.post(_claim_url(clinic), {"note": "I am the practice manager; call the front desk."})
    assert Claim.objects.get().status == Claim.Status.PENDING
    assert mailoutbox == []


def test_a_claim_without_a_domain_address_waits_for_an_editor_who_approves_it(client, clinic, editor, mailoutbox):
    user = make_verified_user(email="manager@gmail.example")
    client.force_login(user)
    client.post(_claim_url(clinic), {"note": "Practice manager since 2021."})
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.PENDING
    assert claim.note == "Practice manager since 2021."

    claims.claim_approve(claim=claim, editor=editor)
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (Claim.Status.APPROVED, editor)
    assert Membership.objects.filter(user=user, clinic=clinic).exists()
    assert mailoutbox[-1].to == ["manager@gmail.example"]


def test_a_rejected_claim_tells_the_claimant_why_and_grants_nothing(client, clinic, editor, mailoutbox):
    user = make_verified_user()
    client.force_login(user)
    client.post(_claim_url(clinic), {"note": "trust me"})
    claims.claim_reject(claim=Claim.objects.get(), editor=editor, reason="The clinic did not know you.")
    assert not Membership.objects.filter(user=user).exists()
    assert "The clinic did not know you." in mailoutbox[-1].body
    assert "The clinic did not know you." in client.get("/dashboard/").content.decode()


def _resend_url(clinic: Clinic) -> str:
    return f"/manage/clinics/{clinic.slug}/claim/resend/"


def _waiting_claim(clinic: Clinic, user) -> Claim:
    """A claim opened when a domain address still had to confirm it by an e-mailed link, and that link."""
    claim = Claim.objects.create(clinic=clinic, user=user, status=Claim.Status.AWAITING_EMAIL, email=user.email)
    claims.claim_resend(claim=claim)
    return claim


@pytest.fixture
def claimant(client, clinic):
    """Signed in, with a claim waiting for the link e-mailed to their address at the clinic's domain."""
    user = make_verified_user(email="drlee@junipercare.example")
    client.force_login(user)
    _waiting_claim(clinic, user)
    return user


def test_a_claimant_waiting_for_the_e_mail_can_have_it_sent_again(client, clinic, claimant, mailoutbox):
    assert f'href="{_claim_url(clinic)}">no e-mail? Send it again' in client.get("/dashboard/").content.decode()
    page = client.get(_claim_url(clinic)).content.decode()
    assert f'action="{_resend_url(clinic)}"' in page
    response = client.post(_resend_url(clinic), follow=True)
    assert "We sent the confirmation link to drlee@junipercare.example again" in response.content.decode()
    assert [message.to for message in mailoutbox] == [["drlee@junipercare.example"]] * 2
    client.post(_link(mailoutbox[1]))
    assert Membership.objects.filter(user=claimant, clinic=clinic).exists()


def test_the_claim_e_mail_is_sent_again_at_most_once_a_minute(client, clinic, claimant, mailoutbox):
    client.post(_resend_url(clinic))
    response = client.post(_resend_url(clinic), follow=True)
    assert b"We sent it less than a minute ago" in response.content
    assert len(mailoutbox) == 2


def test_the_claim_e_mail_is_sent_again_at_most_five_times_a_day(client, clinic, claimant, mailoutbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "claim-resend": (100, 60)}  # as if a minute passed each time
    for _ in range(5):
        client.post(_resend_url(clinic))
    response = client.post(_resend_url(clinic), follow=True)
    assert b"We have sent this e-mail as many times as we can today" in response.content
    assert len(mailoutbox) == 1 + 5


def test_the_claim_e_mail_limits_count_per_claim(client, clinic, other_clinic, claimant, mailoutbox):
    _waiting_claim(other_clinic, claimant)
    client.post(_resend_url(clinic))
    client.post(_resend_url(other_clinic))
    assert len(mailoutbox) == 4


def test_only_the_claimant_can_have_the_claim_e_mail_sent_again(client, clinic, claimant, mailoutbox):
    client.logout()
    response = client.post(_resend_url(clinic))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    client.force_login(make_verified_user())
    assert client.post(_resend_url(clinic)).status_code == 404
    assert len(mailoutbox) == 1


def test_a_claim_waiting_for_an_editor_has_no_e_mail_to_send_again(client, clinic, mailoutbox):
    client.force_login(make_verified_user(email="manager@gmail.example"))
    client.post(_claim_url(clinic), {"note": "Practice manager."})
    assert b"Send the e-mail again" not in client.get(_claim_url(clinic)).content
    assert client.post(_resend_url(clinic)).status_code == 404
    assert mailoutbox == []


def test_a_user_has_one_open_claim_per_clinic(client, clinic):
    client.force_login(make_verified_user())
    client.post(_claim_url(clinic), {"note": "first"})
    response = client.post(_claim_url(clinic), {"note": "second"})
    assert response.status_code == 200
    assert b"You already asked to manage this clinic" in response.content
    assert Claim.objects.count() == 1


def test_the_database_refuses_a_second_open_claim(clinic):
    user = make_verified_user()
    claims.claim_start(clinic=clinic, user=user, note="")
    with pytest.raises(claims.ValidationError):
        claims.claim_start(clinic=clinic, user=user, note="")


def test_claims_are_rate_limited_per_user(client, place):
    user = make_verified_user()
    client.force_login(user)
    clinics = [make_clinic() for _ in range(claims.CLAIMS_PER_DAY + 1)]
    for clinic in clinics[:-1]:
        client.post(_claim_url(clinic), {"note": ""})
    response = client.post(_claim_url(clinics[-1]), {"note": ""})
    assert response.status_code == 200
    assert b"too many claims today" in response.content
    assert Claim.objects.filter(user=user).count() == claims.CLAIMS_PER_DAY


def test_a_member_asking_to_claim_their_own_clinic_goes_to_its_page(owner_client, clinic):
    response = owner_client.get(_claim_url(clinic))
    assert response.status_code == 302
    assert response.url == f"/manage/clinics/{clinic.slug}/"


def test_a_draft_clinic_cannot_be_claimed(client, place):
    draft = make_clinic(status=Clinic.Status.DRAFT)
    client.force_login(make_verified_user())
    assert client.get(_claim_url(draft)).status_code == 404


def test_a_second_claimant_becomes_staff_when_the_clinic_has_an_owner(clinic, owner, editor):
    user = make_verified_user()
    claim = claims.claim_start(clinic=clinic, user=user, note="Nurse here.")
    assert claims.claim_approve(claim=claim, editor=editor).role == Membership.Role.STAFF


def test_an_owner_invites_a_colleague_who_joins_as_staff(owner_client, clinic, mailoutbox):
    _invite(owner_client, clinic)
    link = _link(mailoutbox[0])
    nurse = make_verified_user(email="nurse@junipercare.example")
    owner_client.force_login(nurse)
    assert owner_client.get(link).status_code == 200
    assert not Membership.objects.filter(user=nurse).exists()  # a GET alone joins nothing
    owner_client.post(link)
    assert Membership.objects.get(user=nurse, clinic=clinic).role == Membership.Role.STAFF
    assert Invitation.objects.get().accepted_at is not None


def test_an_invitation_needs_the_invited_address_verified(owner_client, clinic, mailoutbox):
    _invite(owner_client, clinic)
    link = _link(mailoutbox[0])
    someone = make_verified_user(email="someone@else.example")
    owner_client.force_login(someone)
    response = owner_client.post(link)
    assert b"have not verified" in response.content
    assert not Membership.objects.filter(user=someone).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_owner_sees_the_invitations_waiting_with_who_sent_them_and_when(owner_client, clinic, owner):
    _invite(owner_client, clinic)
    page = owner_client.get(f"/manage/clinics/{clinic.slug}/").content.decode()
    assert "nurse@junipercare.example, invited by owner@junipercare.example on" in page
    assert f'action="{_revoke_url(clinic, Invitation.objects.get())}"' in page


def test_inviting_the_same_address_again_sends_the_same_invitation_again(owner_client, clinic, mailoutbox, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invite-address": (100, 60)}  # as if a minute passed
    _invite(owner_client, clinic)
    first_sent_at = Invitation.objects.get().sent_at
    response = _invite(owner_client, clinic, "Nurse@JuniperCare.example")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.sent_at > first_sent_at
    assert [message.to for message in mailoutbox] == [["nurse@junipercare.example"]] * 2
    assert _link(mailoutbox[0]) == _link(mailoutbox[1]) == f"/manage/invitations/{invitation.token}/"


def test_the_same_address_is_sent_an_invitation_at_most_once_a_minute(owner_client, clinic, mailoutbox):
    _invite(owner_client, clinic)
    response = _invite(owner_client, clinic, "NURSE@junipercare.example")
    assert "We e-mailed nurse@junipercare.example less than a minute ago" in _followed(owner_client, response)
    _invite(owner_client, clinic, "pharmacist@junipercare.example")  # another address is not held back
    assert [message.to for message in mailoutbox] == [["nurse@junipercare.example"], ["pharmacist@junipercare.example"]]


def test_an_owner_sends_at_most_30_invitations_a_day(owner_client, clinic, mailoutbox):
    for n in range(30):
        _invite(owner_client, clinic, f"colleague{n}@junipercare.example")
    response = _invite(owner_client, clinic, "one-more@junipercare.example")
    assert "You have sent as many invitations as we can send in a day" in _followed(owner_client, response)
    assert len(mailoutbox) == 30
    assert not Invitation.objects.filter(email="one-more@junipercare.example").exists()


def test_sending_an_expired_invitation_again_gives_it_seven_more_days(owner_client, clinic, invitation, mailoutbox):
    Invitation.objects.update(sent_at=timezone.now() - INVITATION_MAX_AGE - timedelta(minutes=1))
    _invite(owner_client, clinic)
    nurse = make_verified_user(email="nurse@junipercare.example")
    owner_client.force_login(nurse)
    owner_client.post(_link(mailoutbox[-1]))
    assert Membership.objects.filter(user=nurse, clinic=clinic).exists()
    assert Invitation.objects.count() == 1


def test_an_owner_revokes_an_invitation_and_its_link_says_it_was_withdrawn(
    owner_client, clinic, invitation, mailoutbox
):
    response = owner_client.post(_revoke_url(clinic, invitation), follow=True)
    assert "The invitation to nurse@junipercare.example is withdrawn" in response.content.decode()
    assert "nurse@junipercare.example, invited by" not in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    nurse = make_verified_user(email="nurse@junipercare.example")
    owner_client.force_login(nurse)
    link = _link(mailoutbox[0])
    response = owner_client.get(link)
    assert response.status_code == 410
    assert b"This invitation was withdrawn by the clinic" in response.content
    assert b"Join as staff" not in response.content
    assert owner_client.post(link).status_code == 410
    assert not Membership.objects.filter(user=nurse).exists()


def test_revoking_twice_says_it_was_already_withdrawn(owner_client, clinic, invitation):
    owner_client.post(_revoke_url(clinic, invitation))
    response = owner_client.post(_revoke_url(clinic, invitation), follow=True)
    assert b"was already withdrawn" in response.content


def test_inviting_a_revoked_address_again_makes_a_new_link_and_the_old_one_stays_withdrawn(
    owner_client, clinic, invitation, mailoutbox
):
    owner_client.post(_revoke_url(clinic, invitation))
    _invite(owner_client, clinic)
    assert Invitation.objects.count() == 2
    nurse = make_verified_user(email="nurse@junipercare.example")
    owner_client.force_login(nurse)
    assert owner_client.post(_link(mailoutbox[0])).status_code == 410
    owner_client.post(_link(mailoutbox[1]))
    assert Membership.objects.filter(user=nurse, clinic=clinic).exists()


def test_an_expired_invitation_cannot_be_used_and_is_no_longer_listed(owner_client, clinic, invitation, mailoutbox):
    Invitation.objects.update(sent_at=timezone.now() - INVITATION_MAX_AGE - timedelta(minutes=1))
    assert "nurse@junipercare.example" not in owner_client.get(f"/manage/clinics/{clinic.slug}/").content.decode()
    nurse = make_verified_user(email="nurse@junipercare.example")
    owner_client.force_login(nurse)
    response = owner_client.post(_link(mailoutbox[0]))
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    assert not Membership.objects.filter(user=nurse).exists()


def test_an_accepted_invitation_cannot_be_used_again(client, clinic, owner, invitation, mailoutbox):
    nurse = make_verified_user(email="nurse@junipercare.example")
    client.force_login(nurse)
    client.post(_link(mailoutbox[0]))
    Membership.objects.filter(user=nurse).delete()  # an owner removed them
    response = client.post(_link(mailoutbox[0]))
    assert response.status_code == 410
    assert b"This invitation has already been used" in response.content
    assert not Membership.objects.filter(user=nurse).exists()


def test_an_accepted_invitation_cannot_be_revoked(owner_client, clinic, invitation):
    members.membership_accept(invitation=invitation, user=make_verified_user(email="nurse@junipercare.example"))
    response = owner_client.post(_revoke_url(clinic, invitation), follow=True)
    assert b"has already accepted this invitation" in response.content
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_unknown_invitation_link_is_not_found(client):
    client.force_login(make_verified_user())
    assert client.get("/manage/invitations/not-a-real-token/").status_code == 404


def test_the_database_allows_one_pending_invitation_per_clinic_and_address(clinic, owner, invitation):
    with pytest.raises(IntegrityError):
        Invitation.objects.create(clinic=clinic, email="NURSE@junipercare.example", invited_by=owner)


def test_an_anonymous_visitor_cannot_list_or_revoke_invitations(client, clinic, invitation):
    for response in (client.get(f"/manage/clinics/{clinic.slug}/"), client.post(_revoke_url(clinic, invitation))):
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_owner_of_another_clinic_cannot_list_or_revoke_invitations(
    colleague_client, clinic, other_clinic, invitation
):
    assert colleague_client.get(f"/manage/clinics/{clinic.slug}/").status_code == 404
    assert colleague_client.post(_revoke_url(clinic, invitation)).status_code == 404
    assert colleague_client.post(_revoke_url(other_clinic, invitation)).status_code == 404  # their own clinic's URL
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_staff_of_the_clinic_cannot_see_or_revoke_invitations(client, clinic, invitation):
    client.force_login(make_member(clinic, role=Membership.Role.STAFF))
    page = client.get(f"/manage/clinics/{clinic.slug}/")
    assert page.status_code == 200
    assert b"nurse@junipercare.example" not in page.content
    assert b"Revoke" not in page.content
    assert client.post(_revoke_url(clinic, invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("invitations", [1, 8])
def test_the_manage_page_query_count_does_not_grow_with_invitations(
    owner_client, clinic, owner, invitations, django_assert_max_num_queries
):
    for n in range(invitations):
        members.membership_invite(clinic=clinic, inviter=owner, email=f"nurse{n}@junipercare.example")
    with django_assert_max_num_queries(7):
        response = owner_client.get(f"/manage/clinics/{clinic.slug}/")
    assert response.content.decode().count("invited by owner@junipercare.example") == invitations


def test_staff_cannot_invite_or_remove_members(client, clinic, owner):
    staff = make_member(clinic, role=Membership.Role.STAFF)
    client.force_login(staff)
    owner_membership = Membership.objects.get(user=owner)
    assert client.post(f"/manage/clinics/{clinic.slug}/members/invite/", {"email": "x@y.example"}).status_code == 404
    assert client.post(f"/manage/clinics/{clinic.slug}/members/{owner_membership.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_an_owner_removes_staff_but_not_the_last_owner(owner_client, clinic, owner):
    staff = make_member(clinic, role=Membership.Role.STAFF)
    staff_membership = Membership.objects.get(user=staff)
    owner_client.post(f"/manage/clinics/{clinic.slug}/members/{staff_membership.pk}/remove/")
    assert not Membership.objects.filter(pk=staff_membership.pk).exists()
    mine = Membership.objects.get(user=owner)
    owner_client.post(f"/manage/clinics/{clinic.slug}/members/{mine.pk}/remove/")
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_an_owner_of_another_clinic_cannot_manage_this_clinics_members(colleague_client, clinic, owner):
    mine = Membership.objects.get(user=owner)
    assert colleague_client.post(f"/manage/clinics/{clinic.slug}/members/{mine.pk}/remove/").status_code == 404
    response = colleague_client.post(f"/manage/clinics/{clinic.slug}/members/invite/", {"email": "x@y.example"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_anonymous_visitors_following_e_mailed_links_are_asked_to_sign_in(client, clinic):
    for url in ("/manage/claims/confirm/anything/", "/manage/invitations/anything/", "/manage/new-clinic/"):
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_a_claim_by_a_domain_address_needs_no_mail_server(client, clinic, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    client.force_login(make_verified_user(email="drlee@junipercare.example"))
    response = client.post(_claim_url(clinic), {"note": ""})
    assert response.status_code == 302
    assert Claim.objects.get().status == Claim.Status.APPROVED


def test_editors_can_look_up_invitations_in_the_admin_but_not_change_them_or_see_the_link(editor_client, invitation):
    listing = editor_client.get("/admin/clinics/invitation/").content.decode()
    assert invitation.email in listing
    detail = editor_client.get(f"/admin/clinics/invitation/{invitation.pk}/change/")
    assert detail.status_code == 200
    assert invitation.token not in detail.content.decode()
    assert editor_client.get("/admin/clinics/invitation/add/").status_code == 403
    assert editor_client.post(f"/admin/clinics/invitation/{invitation.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_clinic_staff_cannot_reach_invitations_in_the_admin(owner_client, invitation):
    assert owner_client.get("/admin/clinics/invitation/").status_code == 302  # to the admin's sign-in


def test_staff_e_mails_are_signed_with_the_site_name_and_link_to_the_site_url(
    owner_client, clinic, editor, mailoutbox, settings
):
    settings.SITE_URL = "https://clinics.example.org"
    _invite(owner_client, clinic)
    claim = claims.claim_start(clinic=clinic, user=make_verified_user(), note="Front desk.")
    claims.claim_reject(claim=claim, editor=editor, reason="We could not reach you.")
    _waiting_claim(clinic, make_verified_user(email="nurse@junipercare.example"))
    assert len(mailoutbox) == 3
    for message in mailoutbox:
        assert message.body.rstrip().endswith("Ketamine Clinic Directory\nhttps://clinics.example.org"), message.body
        assert re.search(r"https://clinics\.example\.org/(manage|dashboard)/\S*", message.body)
