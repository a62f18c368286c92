import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.staff_factories import make_verified_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


def _sign_up(client, email: str):
    return client.post("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, follow=True)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_signing_up_sends_a_verification_link_and_does_not_sign_in(client, mailoutbox):
    response = _sign_up(client, "new.staff@clinic.example")
    assert b"<h1>Check your e-mail</h1>" in response.content
    assert len(mailoutbox) == 1
    assert "/accounts/confirm-email/" in mailoutbox[0].body
    assert client.get("/dashboard/").status_code == 302


def test_following_the_verification_link_verifies_the_address_and_signs_in(client, mailoutbox):
    _sign_up(client, "new.staff@clinic.example")
    link = _link(mailoutbox[0])
    assert client.get(link).status_code == 200  # a page with a button: a mail scanner's GET confirms nothing
    assert not EmailAddress.objects.get(email="new.staff@clinic.example").verified
    response = client.post(link, follow=True)
    assert EmailAddress.objects.get(email="new.staff@clinic.example").verified
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert b"Your dashboard" in response.content


def test_an_unverified_address_cannot_sign_in(client):
    _sign_up(client, "new.staff@clinic.example")
    client.logout()
    response = client.post("/accounts/login/", {"login": "new.staff@clinic.example", "password": PASSWORD})
    assert response.status_code == 302
    assert "/accounts/confirm-email/" in response.url
    assert client.get("/dashboard/").status_code == 302


def test_signing_in_by_e_mail_address_reaches_the_dashboard(client):
    make_verified_user(email="owner@clinic.example", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "owner@clinic.example", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"


def test_passwords_are_hashed_with_argon2(client, site_password_hashers):
    _sign_up(client, "new.staff@clinic.example")
    assert get_user_model().objects.get(email="new.staff@clinic.example").password.startswith("argon2")


def test_signing_up_with_a_taken_address_looks_the_same_as_a_new_one(client, mailoutbox):
    make_verified_user(email="taken@clinic.example")
    taken = _sign_up(client, "taken@clinic.example")
    client.logout()
    fresh = _sign_up(client, "fresh@clinic.example")
    assert taken.redirect_chain == fresh.redirect_chain
    assert taken.status_code == fresh.status_code == 200
    assert get_user_model().objects.filter(email="taken@clinic.example").count() == 1
    assert len(mailoutbox) == 2  # the owner of the taken address is told, not the visitor


def test_a_password_reset_answers_the_same_for_unknown_and_known_addresses(client, mailoutbox):
    make_verified_user(email="known@clinic.example")
    known = client.post("/accounts/password/reset/", {"email": "known@clinic.example"})
    unknown = client.post("/accounts/password/reset/", {"email": "unknown@clinic.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [message.to for message in mailoutbox][0] == ["known@clinic.example"]


def test_a_password_reset_link_sets_a_new_password(client, mailoutbox):
    user = make_verified_user(email="known@clinic.example")
    client.post("/accounts/password/reset/", {"email": "known@clinic.example"})
    response = client.get(_link(mailoutbox[0]), follow=True)
    new = "another long pass phrase 77"
    client.post(response.redirect_chain[-1][0], {"password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_five_wrong_passwords_lock_sign_in_for_that_address(client):
    make_verified_user(email="owner@clinic.example", password=PASSWORD)
    for _ in range(5):
        client.post("/accounts/login/", {"login": "owner@clinic.example", "password": "wrong password"})
    response = client.post("/accounts/login/", {"login": "owner@clinic.example", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert client.get("/dashboard/").status_code == 302


def test_signing_out_needs_a_post(client):
    user = make_verified_user()
    client.force_login(user)
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302


def test_account_pages_use_the_site_layout(client):
    response = client.get("/accounts/login/")
    assert b"Skip to main content" in response.content
    assert b"css/staff.css" in response.content
    assert b'<label for="id_login"' in response.content


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/password/change/"])
def test_account_management_pages_work_in_the_site_layout(client, url):
    client.force_login(make_verified_user())
    response = client.get(url)
    assert response.status_code == 200
    assert b"Skip to main content" in response.content


def test_changing_the_password_needs_the_old_one(client):
    user = make_verified_user(password=PASSWORD)
    client.force_login(user)
    new = "a brand new pass phrase 88"
    client.post("/accounts/password/change/", {"oldpassword": "wrong", "password1": new, "password2": new})
    user.refresh_from_db()
    assert not user.check_password(new)
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_account_e_mails_are_signed_with_the_site_name_and_link_to_the_site_url(client, mailoutbox, settings):
    settings.SITE_URL = "https://clinics.example.org"
    _sign_up(client, "new.staff@clinic.example")  # confirm the address
    make_verified_user(email="owner@clinic.example", password=PASSWORD)
    client.post("/accounts/password/reset/", {"email": "owner@clinic.example"})  # a reset link
    client.post("/accounts/password/reset/", {"email": "nobody@clinic.example"})  # no such account
    _sign_up(client, "owner@clinic.example")  # an account already exists
    assert len(mailoutbox) == 4
    for message in mailoutbox:
        assert "Hello from" not in message.body and "testserver" not in message.body
        assert message.body.rstrip().endswith("Ketamine Clinic Directory\nhttps://clinics.example.org")
        links = re.findall(r"https?://\S+", message.body)
        assert len(links) >= 2 and all(link.startswith("https://clinics.example.org") for link in links), links


def test_the_sign_up_confirmation_tells_clinic_staff_what_comes_next(client, mailoutbox):
    _sign_up(client, "new.staff@clinic.example")
    body = mailoutbox[0].body
    assert "claim your clinic" in body
    assert "didn't sign up" in body or "did not sign up" in body


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/accounts/signup/", ["Create a clinic staff account", "Patients do not need one", "What happens next"]),
        ("/accounts/login/", ["Clinic staff sign-in", "Create a clinic staff account"]),
        ("/accounts/confirm-email/", ["Check your e-mail", "find your clinic"]),
        ("/accounts/password/reset/", ["Forgot your password?", "Send me the link"]),
        ("/accounts/password/reset/done/", ["Check your e-mail", "spam"]),
        ("/accounts/password/reset/key/1-set-password/", ["This link no longer works"]),
    ],
)
def test_account_pages_speak_to_clinic_staff_in_the_sites_layout(client, path, words):
    page = client.get(path, follow=True).content.decode()
    assert 'class="site-header"' in page
    for phrase in words:
        assert phrase in page
    for library_heading in ("Sign Up", "Sign In", "Verify Your Email Address", "Password Reset", "Bad Token"):
        assert f"<h1>{library_heading}" not in page and f"{library_heading}\n" not in page


def test_the_address_confirmation_page_asks_to_confirm_the_address(client, mailoutbox):
    _sign_up(client, "new.staff@clinic.example")
    page = client.get(_link(mailoutbox[0])).content.decode()
    assert "<h1>Confirm your e-mail address</h1>" in page
    assert "<strong>new.staff@clinic.example</strong> is your address" in page
