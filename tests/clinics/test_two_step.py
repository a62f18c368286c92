"""Two-step sign-in: a member turns on an authenticator app, then needs its code (or a recovery code) to sign in,
also to the admin, which sends editors to the same sign-in."""

import html
import re
import time
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.staff_factories import make_editor, make_verified_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"
EMAIL = "owner@clinic.example"


def code_at(secret: str, moment: float) -> str:
    """The authenticator app's six digits at a moment (30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(moment // 30)))


def sign_in(client):
    return client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})


def sign_in_and_confirm_password(client) -> None:
    """Turning the app on is a sensitive change: allauth asks for the password again first."""
    sign_in(client)
    assert client.get("/accounts/2fa/totp/activate/").url.startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def turn_on_the_app(client) -> str:
    """Sign in, turn on an authenticator app and sign out again; returns the app's secret."""
    sign_in_and_confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = html.unescape(re.search(r'id="authenticator_secret"[^>]*value="([^"]+)"', page).group(1))
    response = client.post("/accounts/2fa/totp/activate/", {"code": code_at(secret, time.time())})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    return secret


@pytest.fixture
def member_with_app(client):
    make_verified_user(email=EMAIL, password=PASSWORD)
    return turn_on_the_app(client)


def test_the_dashboard_links_to_two_step_sign_in(client):
    client.force_login(make_verified_user())
    assert 'href="/accounts/2fa/"' in client.get("/dashboard/").content.decode()


def test_turning_on_an_authenticator_app_needs_a_right_code_from_it(client):
    make_verified_user(email=EMAIL, password=PASSWORD)
    sign_in_and_confirm_password(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and b'src="data:image/svg+xml;base64,' in page.content  # the QR code
    client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()


def test_with_an_app_on_a_password_alone_does_not_sign_in(client, member_with_app):
    response = sign_in(client)
    assert response.url == "/accounts/2fa/authenticate/"
    assert client.get("/dashboard/").status_code == 302
    client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert client.get("/dashboard/").status_code == 302


def test_the_apps_next_code_completes_sign_in(client, member_with_app):
    later = time.time() + 30  # the code used to turn the app on cannot be used twice
    sign_in(client)
    with mock.patch("allauth.mfa.totp.internal.auth.time.time", return_value=later):
        response = client.post("/accounts/2fa/authenticate/", {"code": code_at(member_with_app, later)})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_signs_in_once_when_the_phone_is_lost(client, member_with_app):
    codes = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    assert len(codes) == 10
    sign_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    sign_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/dashboard/").status_code == 302


def test_five_wrong_codes_lock_the_second_step(client, member_with_app):
    later = time.time() + 30
    sign_in(client)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    with mock.patch("allauth.mfa.totp.internal.auth.time.time", return_value=later):
        response = client.post("/accounts/2fa/authenticate/", {"code": code_at(member_with_app, later)})
    assert b"Too many failed login attempts" in response.content
    assert client.get("/dashboard/").status_code == 302


# --- the admin ------------------------------------------------------------------------------


def test_the_admin_sends_editors_to_the_sites_own_sign_in(client):
    response = client.get("/admin/login/?next=/admin/clinics/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fclinics%2F"


def test_a_signed_in_member_who_is_not_staff_is_refused_by_the_admin(client):
    client.force_login(make_verified_user())
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/").status_code == 302  # the admin's own check, to its sign-in


def test_an_editor_with_an_app_reaches_the_admin_only_after_the_second_step(client):
    make_editor(email=EMAIL, password=PASSWORD)
    secret = turn_on_the_app(client)
    response = client.post("/accounts/login/?next=/admin/", {"login": EMAIL, "password": PASSWORD})
    assert response.url.startswith("/accounts/2fa/authenticate/")
    assert client.get("/admin/").status_code == 302
    later = time.time() + 30
    with mock.patch("allauth.mfa.totp.internal.auth.time.time", return_value=later):
        response = client.post("/accounts/2fa/authenticate/", {"code": code_at(secret, later)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
